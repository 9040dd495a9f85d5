package io.github.qemuembed.driver.secondary.embedded;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.w3c.dom.Element;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.internal.xml.SecureXml;

/**
 * A secret's definition in libvirt's XML format: <pre>{@code
 * <secret ephemeral='no' private='yes'>
 *   <uuid>…</uuid>
 *   <description>…</description>
 *   <usage type='volume'><volume>/path/disk.img</volume></usage>
 * </secret>}</pre> Never holds the value.
 *
 * @param uuid the secret's UUID
 * @param ephemeral kept in memory only, never written to disk
 * @param isPrivate the value is never handed back through the public API
 * @param description free text
 * @param usageType what the secret is for ({@link SecretUsageType#NONE} without
 * {@code <usage>})
 * @param usageId the volume path, Ceph/TLS/vTPM name or iSCSI target; empty for
 * {@code NONE}
 */
public record SecretDefinition(UUID uuid, boolean ephemeral, boolean isPrivate, Optional<String> description,
		SecretUsageType usageType, Optional<String> usageId) {

	public SecretDefinition {
		Objects.requireNonNull(uuid, "uuid");
		Objects.requireNonNull(description, "description");
		Objects.requireNonNull(usageType, "usageType");
		Objects.requireNonNull(usageId, "usageId");
		if ((usageType == SecretUsageType.NONE) != usageId.isEmpty()) {
			throw new IllegalArgumentException("A usage ID is required for usage type " + usageType.xmlName()
					+ " and not allowed without a usage");
		}
	}

	/** A persistent secret for a volume (e.g. a LUKS passphrase). */
	public static SecretDefinition forVolume(UUID uuid, String volumePath, boolean isPrivate) {
		return new SecretDefinition(uuid, false, isPrivate, Optional.empty(), SecretUsageType.VOLUME,
				Optional.of(volumePath));
	}

	/**
	 * Parses libvirt's secret XML. A missing {@code <uuid>} gets a random one, as in
	 * libvirt.
	 */
	public static SecretDefinition parse(String xml) {
		Element root;
		try {
			root = SecureXml.parseElement(xml, "secret");
		}
		catch (InvalidConfigurationException ex) {
			throw new InvalidConfigurationException("/secret", ex.getMessage(), ex);
		}
		if (!root.getTagName().equals("secret")) {
			throw new InvalidConfigurationException("/" + root.getTagName(), "expected a <secret> element");
		}
		boolean ephemeral = yesNo(root, "ephemeral");
		boolean isPrivate = yesNo(root, "private");
		UUID uuid = SecureXml.childText(root, "uuid").map((text) -> {
			try {
				return UUID.fromString(text);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationException("/secret/uuid", "malformed UUID '" + text + "'");
			}
		}).orElseGet(UUID::randomUUID);
		Optional<String> description = SecureXml.child(root, "description").map(Element::getTextContent);
		SecretUsageType type = SecretUsageType.NONE;
		Optional<String> usageId = Optional.empty();
		Optional<Element> usage = SecureXml.child(root, "usage");
		if (usage.isPresent()) {
			String typeName = SecureXml.attribute(usage.get(), "type")
				.orElseThrow(
						() -> new InvalidConfigurationException("/secret/usage/@type", "the usage type is missing"));
			try {
				type = SecretUsageType.ofXmlName(typeName);
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationException("/secret/usage/@type", ex.getMessage());
			}
			String element = type.idElement();
			usageId = Optional.of(SecureXml.childText(usage.get(), element)
				.filter((id) -> !id.isEmpty())
				.orElseThrow(() -> new InvalidConfigurationException("/secret/usage/" + element,
						"usage type '" + typeName + "' needs <" + element + ">")));
		}
		return new SecretDefinition(uuid, ephemeral, isPrivate, description, type, usageId);
	}

	private static boolean yesNo(Element root, String attribute) {
		String value = SecureXml.attribute(root, attribute).orElse("no");
		return switch (value) {
			case "yes" -> true;
			case "no" -> false;
			default -> throw new InvalidConfigurationException("/secret/@" + attribute,
					"invalid value '" + value + "' (expected yes or no)");
		};
	}

	/**
	 * libvirt's format ({@code virSecretDefFormat}), so that files are interchangeable
	 * with libvirt's.
	 */
	public String toXml() {
		StringBuilder xml = new StringBuilder();
		xml.append("<secret ephemeral='")
			.append(this.ephemeral ? "yes" : "no")
			.append("' private='")
			.append(this.isPrivate ? "yes" : "no")
			.append("'>\n");
		xml.append("  <uuid>").append(this.uuid).append("</uuid>\n");
		this.description
			.ifPresent((d) -> xml.append("  <description>").append(SecureXml.escape(d)).append("</description>\n"));
		if (this.usageType != SecretUsageType.NONE) {
			String element = this.usageType.idElement();
			xml.append("  <usage type='").append(this.usageType.xmlName()).append("'>\n");
			xml.append("    <")
				.append(element)
				.append('>')
				.append(SecureXml.escape(this.usageId.orElseThrow()))
				.append("</")
				.append(element)
				.append(">\n");
			xml.append("  </usage>\n");
		}
		xml.append("</secret>\n");
		return xml.toString();
	}

	/** {@code volume /path} or {@code none}, for messages. */
	public String describeUsage() {
		return this.usageType.xmlName() + this.usageId.map((id) -> " " + id).orElse("");
	}

}
