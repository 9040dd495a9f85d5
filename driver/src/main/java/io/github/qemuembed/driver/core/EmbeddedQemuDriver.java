package io.github.qemuembed.driver.core;

import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;

/** The driver implementation (in progress). */
public final class EmbeddedQemuDriver {

	private EmbeddedQemuDriver() {
	}

	public static QemuDriver open(DriverConfig config) {
		throw new UnsupportedOperationException("not yet");
	}

}
