package io.github.qemuembed.driver.internal.xml;

/** The {@code cache} mode of a disk's {@code <driver>}. */
public enum DiskCache implements XmlEnum {

	DEFAULT("default"), NONE("none"), WRITETHROUGH("writethrough"), WRITEBACK("writeback"), DIRECTSYNC("directsync"),
	UNSAFE("unsafe");

	private final String xmlName;

	DiskCache(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
