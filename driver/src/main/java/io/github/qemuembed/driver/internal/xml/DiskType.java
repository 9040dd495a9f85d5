package io.github.qemuembed.driver.internal.xml;

/** The {@code type} of {@code <disk>}: where its source is. */
public enum DiskType implements XmlEnum {

	FILE("file"), BLOCK("block"), VOLUME("volume"), NETWORK("network");

	private final String xmlName;

	DiskType(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
