package io.github.qemuembed.driver.internal.xml;

/** The {@code type} of a {@code <console>}'s {@code <target>}. */
public enum ConsoleTarget implements XmlEnum {

	SERIAL("serial"), VIRTIO("virtio");

	private final String xmlName;

	ConsoleTarget(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
