package io.github.qemuembed.driver.internal.xml;

/** The {@code type} of a disk's {@code <driver>}: the image format. */
public enum DiskFormat implements XmlEnum {

	RAW("raw"), QCOW2("qcow2");

	private final String xmlName;

	DiskFormat(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
