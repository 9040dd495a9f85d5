package io.github.qemuembed.driver.internal.xml;

/** The {@code offset} of {@code <clock>}: what the guest's RTC starts at. */
public enum ClockOffset implements XmlEnum {

	UTC("utc"), LOCALTIME("localtime");

	private final String xmlName;

	ClockOffset(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
