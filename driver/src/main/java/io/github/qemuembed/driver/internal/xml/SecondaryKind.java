package io.github.qemuembed.driver.internal.xml;

/** The secondary drivers a definition can depend on. */
public enum SecondaryKind {

	NETWORK("network"), STORAGE("storage"), SECRET("secret");

	private final String driverName;

	SecondaryKind(String driverName) {
		this.driverName = driverName;
	}

	/** Lower-case name as used in messages and the CLI's JSON ({@code network}). */
	public String driverName() {
		return this.driverName;
	}

}
