package io.github.qemuembed.driver.secondary.storage;

import io.github.qemuembed.driver.internal.process.QemuImg;
import java.nio.file.Path;
import java.util.Optional;

import org.w3c.dom.Element;

import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.error.StorageException.Problem;
import io.github.qemuembed.driver.internal.xml.SafeXml;

/**
 * Volume XML: written as libvirt describes a file volume, and read for
 * {@code createVolume(pool, xml)}.
 */
final class VolumeXml {

	private VolumeXml() {
	}

	/** What a volume-creating XML asks for. */
	record Spec(String name, long capacity, VolumeFormat format, Optional<Path> backingPath,
			Optional<VolumeFormat> backingFormat) {
	}

	static String write(String name, Path path, VolumeFormat format, QemuImg.ImageInfo info) {
		StringBuilder xml = new StringBuilder();
		xml.append("<volume type='file'>\n");
		xml.append("  <name>").append(SafeXml.escape(name)).append("</name>\n");
		xml.append("  <key>").append(SafeXml.escape(path.toString())).append("</key>\n");
		xml.append("  <capacity unit='bytes'>").append(info.virtualSize()).append("</capacity>\n");
		xml.append("  <allocation unit='bytes'>").append(info.actualSize()).append("</allocation>\n");
		xml.append("  <target>\n");
		xml.append("    <path>").append(SafeXml.escape(path.toString())).append("</path>\n");
		xml.append("    <format type='").append(format.xmlName()).append("'/>\n");
		xml.append("  </target>\n");
		info.backingFile().ifPresent((backing) -> {
			xml.append("  <backingStore>\n");
			xml.append("    <path>").append(SafeXml.escape(backing)).append("</path>\n");
			info.backingFormat()
				.ifPresent((f) -> xml.append("    <format type='").append(SafeXml.escape(f)).append("'/>\n"));
			xml.append("  </backingStore>\n");
		});
		xml.append("</volume>\n");
		return xml.toString();
	}

	static Spec parse(String xml) {
		Element root;
		try {
			root = SafeXml.parse(xml);
		}
		catch (IllegalArgumentException ex) {
			throw invalid(ex.getMessage());
		}
		if (!root.getTagName().equals("volume")) {
			throw invalid("the root element is <" + root.getTagName() + ">, expected <volume>");
		}
		String type = SafeXml.attribute(root, "type").orElse("file");
		if (!type.equals("file")) {
			throw invalid("/volume/@type '" + type + "': a dir pool holds file volumes only");
		}
		String name = null;
		Long capacity = null;
		VolumeFormat format = VolumeFormat.RAW;
		Optional<Path> backingPath = Optional.empty();
		Optional<VolumeFormat> backingFormat = Optional.empty();
		for (Element child : SafeXml.children(root)) {
			switch (child.getTagName()) {
				case "name" -> name = StorageNames.volume(child.getTextContent().strip());
				case "key" -> {
					// output only, as in libvirt
				}
				case "capacity" -> capacity = size("/volume/capacity", child);
				case "allocation" -> {
					if (size("/volume/allocation", child) != 0) {
						throw invalid("/volume/allocation: preallocation is not supported; leave it out or 0");
					}
				}
				case "target" -> {
					for (Element t : SafeXml.children(child)) {
						switch (t.getTagName()) {
							case "format" -> format = VolumeFormat.of(SafeXml.attribute(t, "type").orElse(""));
							case "path" -> {
								// chosen by the pool, as in libvirt
							}
							default -> throw unknown("/volume/target/" + t.getTagName());
						}
					}
				}
				case "backingStore" -> {
					for (Element b : SafeXml.children(child)) {
						switch (b.getTagName()) {
							case "path" -> {
								String text = b.getTextContent().strip();
								if (!text.startsWith("/")) {
									throw invalid("/volume/backingStore/path '" + text + "' must be an absolute path");
								}
								backingPath = Optional.of(Path.of(text).normalize());
							}
							case "format" ->
								backingFormat = Optional.of(VolumeFormat.of(SafeXml.attribute(b, "type").orElse("")));
							default -> throw unknown("/volume/backingStore/" + b.getTagName());
						}
					}
					if (backingPath.isEmpty()) {
						throw invalid("/volume/backingStore needs a <path> (the base image)");
					}
				}
				default -> throw unknown("/volume/" + child.getTagName());
			}
		}
		if (name == null) {
			throw invalid("/volume/name is missing");
		}
		if (backingPath.isPresent() && format != VolumeFormat.QCOW2) {
			throw invalid("a volume with a <backingStore> must be qcow2: set <target><format type='qcow2'/>");
		}
		if (capacity == null && backingPath.isEmpty()) {
			throw invalid("/volume/capacity is missing");
		}
		return new Spec(name, (capacity != null) ? capacity : -1, format, backingPath, backingFormat);
	}

	private static long size(String where, Element element) {
		return Capacity.bytes(where, element.getTextContent(), SafeXml.attribute(element, "unit").orElse("bytes"));
	}

	private static StorageException invalid(String message) {
		return new StorageException(Problem.INVALID_REQUEST, "invalid volume XML: " + message);
	}

	private static StorageException unknown(String path) {
		return invalid(path + " is not supported by the embedded storage driver");
	}

}
