package io.github.qemuembed.driver.secondary.storage;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.StorageException.Problem;
import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.internal.xml.SecureXml;
import org.w3c.dom.Element;

/**
 * A {@code dir} pool's definition, read from and written as libvirt pool XML. Elements
 * libvirt only reports ({@code capacity}, {@code allocation}, {@code available}) are
 * accepted and not kept; anything this driver does not act on is refused with the
 * element's name, never dropped.
 *
 * @param mode the directory's permissions ({@code <target><permissions><mode>}, octal),
 * when given
 */
record PoolDefinition(String name, UUID uuid, Path target, Optional<String> mode) {

	private static final Set<String> REPORTED = Set.of("capacity", "allocation", "available");

	/**
	 * Parses pool XML; {@code defaultTarget} supplies the directory when there is no
	 * {@code <target><path>}.
	 */
	static PoolDefinition parse(String xml, Function<String, Path> defaultTarget) {
		Element root;
		try {
			root = SecureXml.parseElement(xml, "pool");
		}
		catch (InvalidConfigurationException ex) {
			throw invalid(ex.getMessage());
		}
		if (!root.getTagName().equals("pool")) {
			throw invalid("the root element is <" + root.getTagName() + ">, expected <pool type='dir'>");
		}
		String type = SecureXml.attribute(root, "type").orElse("");
		if (!type.equals("dir")) {
			throw new StorageException(Problem.INVALID_REQUEST,
					"pool type '" + type + "' is not supported by the embedded storage driver: use <pool type='dir'>");
		}
		String name = null;
		UUID uuid = null;
		Path target = null;
		Optional<String> mode = Optional.empty();
		for (Element child : SecureXml.children(root)) {
			String tag = child.getTagName();
			switch (tag) {
				case "name" -> name = StorageNames.pool(child.getTextContent().strip());
				case "uuid" -> uuid = uuid(child.getTextContent().strip());
				case "source" -> {
					if (!SecureXml.children(child).isEmpty()) {
						throw invalid("/pool/source/" + SecureXml.children(child).get(0).getTagName()
								+ ": a dir pool has no source; leave <source/> empty");
					}
				}
				case "target" -> {
					for (Element t : SecureXml.children(child)) {
						switch (t.getTagName()) {
							case "path" -> target = targetPath(t.getTextContent().strip());
							case "permissions" -> mode = permissions(t);
							default -> throw unknown("/pool/target/" + t.getTagName());
						}
					}
				}
				default -> {
					if (!REPORTED.contains(tag)) {
						throw unknown("/pool/" + tag);
					}
				}
			}
		}
		if (name == null) {
			throw invalid("/pool/name is missing");
		}
		return new PoolDefinition(name, (uuid != null) ? uuid : UUID.randomUUID(),
				(target != null) ? target : defaultTarget.apply(name), mode);
	}

	private static UUID uuid(String text) {
		try {
			return UUID.fromString(text);
		}
		catch (IllegalArgumentException ex) {
			throw invalid("/pool/uuid '" + text + "' is not a UUID");
		}
	}

	private static Path targetPath(String text) {
		if (text.isEmpty() || !text.startsWith("/")) {
			throw invalid("/pool/target/path '" + text + "' must be an absolute directory path");
		}
		Path path = Path.of(text).normalize();
		if (path.getNameCount() == 0) {
			throw invalid("/pool/target/path must not be '/'");
		}
		return path;
	}

	private static Optional<String> permissions(Element permissions) {
		Optional<String> mode = Optional.empty();
		for (Element p : SecureXml.children(permissions)) {
			String text = p.getTextContent().strip();
			switch (p.getTagName()) {
				case "mode" -> {
					if (!text.matches("0?[0-7]{3}")) {
						throw invalid("/pool/target/permissions/mode '" + text + "' is not an octal mode such as 0755");
					}
					mode = Optional.of((text.length() == 3) ? "0" + text : text);
				}
				case "owner", "group",
						"label" ->
					throw new StorageException(Problem.INVALID_REQUEST,
							"/pool/target/permissions/" + p.getTagName()
									+ " is not supported: the embedded driver runs "
									+ "as its application's user and cannot change owners; leave it out");
				default -> throw unknown("/pool/target/permissions/" + p.getTagName());
			}
		}
		return mode;
	}

	/**
	 * The definition as libvirt writes a pool: with sizes, which are 0 in the stored
	 * file.
	 */
	String toXml(long capacity, long allocation, long available) {
		StringBuilder xml = new StringBuilder();
		xml.append("<pool type='dir'>\n");
		xml.append("  <name>").append(SecureXml.escape(this.name)).append("</name>\n");
		xml.append("  <uuid>").append(this.uuid).append("</uuid>\n");
		xml.append("  <capacity unit='bytes'>").append(capacity).append("</capacity>\n");
		xml.append("  <allocation unit='bytes'>").append(allocation).append("</allocation>\n");
		xml.append("  <available unit='bytes'>").append(available).append("</available>\n");
		xml.append("  <source>\n  </source>\n");
		xml.append("  <target>\n");
		xml.append("    <path>").append(SecureXml.escape(this.target.toString())).append("</path>\n");
		this.mode.ifPresent(
				(m) -> xml.append("    <permissions>\n      <mode>").append(m).append("</mode>\n    </permissions>\n"));
		xml.append("  </target>\n");
		xml.append("</pool>\n");
		return xml.toString();
	}

	private static StorageException invalid(String message) {
		return new StorageException(Problem.INVALID_REQUEST, "invalid pool XML: " + message);
	}

	private static StorageException unknown(String path) {
		return new StorageException(Problem.INVALID_REQUEST,
				"invalid pool XML: " + path
						+ " is not supported by the embedded storage driver (a dir pool knows name, uuid, source, "
						+ "target/path and target/permissions/mode)");
	}

}
