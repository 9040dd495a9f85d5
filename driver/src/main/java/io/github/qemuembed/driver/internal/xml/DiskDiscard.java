package io.github.qemuembed.driver.internal.xml;

/** The {@code discard} mode of a disk's {@code <driver>}. */
public enum DiskDiscard implements XmlEnum {

	UNMAP("unmap"), IGNORE("ignore");

	private final String xmlName;

	DiskDiscard(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
