package io.github.qemuembed.driver.internal.xml;

/** The {@code type} of {@code <input>}. */
public enum InputType implements XmlEnum {

	TABLET("tablet"), MOUSE("mouse"), KEYBOARD("keyboard");

	private final String xmlName;

	InputType(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
