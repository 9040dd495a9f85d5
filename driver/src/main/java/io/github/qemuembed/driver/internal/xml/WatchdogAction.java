package io.github.qemuembed.driver.internal.xml;

/** The {@code action} of {@code <watchdog>}. */
public enum WatchdogAction implements XmlEnum {

	RESET("reset"), SHUTDOWN("shutdown"), POWEROFF("poweroff"), PAUSE("pause"), NONE("none"), INJECT_NMI("inject-nmi");

	private final String xmlName;

	WatchdogAction(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
