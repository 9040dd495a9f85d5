package io.github.qemuembed.driver.internal.xml;

/** The {@code type} of {@code <interface>}. */
public enum InterfaceType implements XmlEnum {

	USER("user"), NETWORK("network"), BRIDGE("bridge"), ETHERNET("ethernet");

	private final String xmlName;

	InterfaceType(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
