package io.github.qemuembed.driver.internal.xml;

/**
 * The {@code mode} of a socket character device's {@code <source>}: listen ({@code bind})
 * or connect.
 */
public enum SourceMode implements XmlEnum {

	BIND("bind"), CONNECT("connect");

	private final String xmlName;

	SourceMode(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
