package io.github.qemuembed.driver.qmp;

import org.jspecify.annotations.Nullable;

/**
 * No reply (or no connection) within the timeout. A command that timed out may still run
 * in QEMU; its reply, should it come, is discarded.
 */
public class QmpTimeoutError extends QmpError {

	public QmpTimeoutError(String message) {
		super(message);
	}

	public QmpTimeoutError(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
