package io.github.qemuembed.driver.internal.xml;

/**
 * The {@code type} of {@code <loader>}: a ROM image ({@code -bios}) or a flash device
 * (UEFI/OVMF).
 */
public enum LoaderType implements XmlEnum {

	ROM("rom"), PFLASH("pflash");

	private final String xmlName;

	LoaderType(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
