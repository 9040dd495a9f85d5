package io.github.qemuembed.driver.internal.xml;

/** The {@code mode} of {@code <cpu>}. */
public enum CpuMode implements XmlEnum {

	HOST_PASSTHROUGH("host-passthrough"), HOST_MODEL("host-model"), MAXIMUM("maximum"), CUSTOM("custom");

	private final String xmlName;

	CpuMode(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
