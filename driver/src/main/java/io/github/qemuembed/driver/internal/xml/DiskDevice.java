package io.github.qemuembed.driver.internal.xml;

/** The {@code device} of {@code <disk>}. */
public enum DiskDevice implements XmlEnum {

	DISK("disk"), CDROM("cdrom"), FLOPPY("floppy");

	private final String xmlName;

	DiskDevice(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
