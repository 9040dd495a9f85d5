package io.github.qemuembed.driver.secondary.embedded;

import java.util.Locale;

/**
 * libvirt's {@code virSecretUsageType}, with the element of {@code <usage>} that holds
 * each type's usage ID.
 */
public enum SecretUsageType {

	NONE(0, null), VOLUME(1, "volume"), CEPH(2, "name"), ISCSI(3, "target"), TLS(4, "name"), VTPM(5, "name");

	private final int number;

	private final String idElement;

	SecretUsageType(int number, String idElement) {
		this.number = number;
		this.idElement = idElement;
	}

	/** libvirt's number for the type (as in {@code remote_nonnull_secret.usageType}). */
	public int number() {
		return this.number;
	}

	/**
	 * The child of {@code <usage>} that holds the ID: {@code volume}, {@code name} or
	 * {@code target}.
	 */
	public String idElement() {
		return this.idElement;
	}

	/** The {@code type} attribute value: {@code volume}, {@code ceph}... */
	public String xmlName() {
		return name().toLowerCase(Locale.ROOT);
	}

	public static SecretUsageType ofXmlName(String name) {
		for (SecretUsageType type : values()) {
			if (type != NONE && type.xmlName().equals(name)) {
				return type;
			}
		}
		throw new IllegalArgumentException(
				"unknown secret usage type '" + name + "' (expected volume, ceph, iscsi, tls or vtpm)");
	}

	public static SecretUsageType ofNumber(int number) {
		for (SecretUsageType type : values()) {
			if (type.number == number) {
				return type;
			}
		}
		throw new IllegalArgumentException("unknown secret usage type " + number);
	}

}
