package io.github.qemuembed.driver.internal.xml;

/** The {@code bus} of {@code <input>}. */
public enum InputBus implements XmlEnum {

	USB("usb"), PS2("ps2"), VIRTIO("virtio");

	private final String xmlName;

	InputBus(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
