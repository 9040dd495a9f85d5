package io.github.qemuembed.driver.internal.xml;

/**
 * The {@code type} of a character device ({@code <serial>}, {@code <console>},
 * {@code <channel>}).
 */
public enum CharType implements XmlEnum {

	PTY("pty"), FILE("file"), UNIX("unix"), TCP("tcp"), NULL("null");

	private final String xmlName;

	CharType(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
