package io.github.qemuembed.driver.secondary;

import java.io.Closeable;

/** Common shape of the secondary drivers: where they are, and whether they answer. */
public interface SecondaryDriver extends Closeable {

	/** The endpoint as configured, e.g. {@code network:///system} or {@code embedded}. */
	String endpoint();

	/**
	 * Checks that the driver answers; throws
	 * {@link io.github.qemuembed.driver.error.SecondaryDriverException} if not.
	 */
	void ping();

	@Override
	default void close() {
	}

}
