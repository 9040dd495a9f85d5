package io.github.qemuembed.driver.internal.core;

import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Opens the embedded driver for {@link QemuDriver#open(DriverConfig)}: the one public way
 * into {@code core}, so that the implementation itself stays package-private.
 */
public final class EmbeddedDrivers {

	private EmbeddedDrivers() {
	}

	/** See {@link QemuDriver#open(DriverConfig)}. */
	public static QemuDriver open(DriverConfig config) {
		return EmbeddedQemuDriver.open(config);
	}

}
