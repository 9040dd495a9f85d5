package io.github.qemuembed.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.internal.xml.SecureXml;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.io.Resource;

/**
 * A domain declared under {@code qemu.embed.domains}, with its XML read and its settings
 * checked.
 *
 * @param name the name under {@code qemu.embed.domains}, which must be the XML's
 * {@code <name>}
 * @param xml the libvirt domain XML
 * @param source where the XML came from, for messages
 * @param autostart whether it starts with the context
 * @param persistent whether it is defined persistently
 * @param onChange what to do when the XML differs from the existing domain's
 */
public record DeclaredDomain(String name, String xml, String source, boolean autostart, boolean persistent,
		QemuEmbedProperties.OnChange onChange) {

	/** A declaration with the default {@code on-change}, {@code redefine}. */
	public DeclaredDomain(String name, String xml, String source, boolean autostart, boolean persistent) {
		this(name, xml, source, autostart, persistent, QemuEmbedProperties.OnChange.REDEFINE);
	}

	private static final String PREFIX = "qemu.embed.domains.";

	private static final Pattern FIRST_NAME = Pattern.compile("<name>[^<]*</name>");

	/**
	 * Reads and checks every declared domain, in declaration order.
	 * @throws InvalidConfigurationPropertyValueException if a declaration is incomplete
	 * or contradictory, or its XML cannot be read
	 */
	public static List<DeclaredDomain> of(Map<String, QemuEmbedProperties.DeclaredDomain> declared) {
		return of(declared, null);
	}

	/**
	 * Like {@link #of(Map)}; cloud-init seeds ({@code cloud-init.*}) are written to
	 * {@code seeds} (a directory under the root), or under the temporary directory when
	 * it is {@code null}.
	 */
	public static List<DeclaredDomain> of(Map<String, QemuEmbedProperties.DeclaredDomain> declared, Path seeds) {
		List<DeclaredDomain> domains = new ArrayList<>();
		declared.forEach((name, properties) -> domains.add(of(name, properties, seeds)));
		return List.copyOf(domains);
	}

	static DeclaredDomain of(String name, QemuEmbedProperties.DeclaredDomain properties) {
		return of(name, properties, null);
	}

	static DeclaredDomain of(String name, QemuEmbedProperties.DeclaredDomain properties, Path seeds) {
		String prefix = PREFIX + name + ".";
		Resource resource = properties.getXml();
		String inline = properties.getInlineXml();
		if (resource != null && inline != null) {
			throw new InvalidConfigurationPropertyValueException(prefix + "inline-xml", "(the XML)",
					"Set only one of " + prefix + "xml and " + prefix + "inline-xml");
		}
		if (resource == null && (inline == null || inline.isBlank())) {
			throw new InvalidConfigurationPropertyValueException(prefix + "xml", null,
					"A declared domain needs its libvirt XML: set " + prefix + "xml to a resource location "
							+ "(classpath:..., file:...) or " + prefix + "inline-xml to the XML itself");
		}
		if (!properties.isPersistent() && !properties.isAutostart()) {
			throw new InvalidConfigurationPropertyValueException(prefix + "persistent", false,
					"A transient domain exists only while it runs; set " + prefix + "autostart to true, or " + prefix
							+ "persistent to true");
		}
		String xml = (resource != null) ? read(prefix + "xml", resource) : inline;
		String source = (resource != null) ? resource.getDescription() : prefix + "inline-xml";
		Optional<String> xmlName = nameIn(xml);
		if (xmlName.isPresent() && !xmlName.get().equals(name)) {
			throw new InvalidConfigurationPropertyValueException(prefix + ((resource != null) ? "xml" : "inline-xml"),
					xmlName.get(), "The domain XML is named '" + xmlName.get() + "' but declared as '" + name
							+ "'; use the same name under qemu.embed.domains and in <name>");
		}
		QemuEmbedProperties.OnChange onChange = properties.getOnChange();
		if (onChange == null) {
			throw new InvalidConfigurationPropertyValueException(prefix + "on-change", null,
					"Set " + prefix + "on-change to keep, redefine or restart");
		}
		if (properties.getCloudInit().isConfigured()) {
			Path dir = (seeds != null) ? seeds : Path.of(System.getProperty("java.io.tmpdir"), "qemu-embed-cloud-init");
			xml = DeclaredCloudInit.attach(name, properties.getCloudInit(), xml, dir);
		}
		return new DeclaredDomain(name, xml, source, properties.isAutostart(), properties.isPersistent(), onChange);
	}

	private static String read(String property, Resource resource) {
		if (!resource.exists()) {
			throw new InvalidConfigurationPropertyValueException(property, resource.getDescription(),
					"The domain XML does not exist");
		}
		try (InputStream in = resource.getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new InvalidConfigurationPropertyValueException(property, resource.getDescription(),
					"The domain XML could not be read: " + ex.getMessage());
		}
	}

	/**
	 * The XML to define over an existing domain of the same name. Like libvirt, the
	 * driver gives a definition without {@code <uuid>} a new random UUID, and refuses it
	 * for a name that exists with another UUID; a declared domain must be redefinable on
	 * every start with a persistent root, so a declaration without a UUID takes the
	 * existing domain's.
	 */
	public String xmlFor(UUID existing) {
		if (childText(this.xml, "uuid").isPresent()) {
			return this.xml;
		}
		Matcher name = FIRST_NAME.matcher(this.xml);
		if (!name.find()) {
			return this.xml;
		}
		return this.xml.substring(0, name.end()) + "<uuid>" + existing + "</uuid>" + this.xml.substring(name.end());
	}

	/**
	 * The text of {@code /domain/name}, if the document is well-formed enough to find it.
	 * Anything else is left to the driver, which reports XML problems with their path.
	 * DTDs and external entities are refused.
	 */
	static Optional<String> nameIn(String xml) {
		return childText(xml, "name");
	}

	private static Optional<String> childText(String xml, String child) {
		try {
			return SecureXml.childText(SecureXml.parseElement(xml, "domain"), child).map(String::trim);
		}
		catch (InvalidConfigurationException ex) {
			return Optional.empty();
		}
	}

}
