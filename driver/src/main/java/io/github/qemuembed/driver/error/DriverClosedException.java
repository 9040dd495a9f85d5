package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/** The driver was used after it was closed. */
public class DriverClosedException extends QemuEmbedException {

	public DriverClosedException(String message) {
		super(ErrorCode.INVALID_CONN, message);
	}

	public DriverClosedException(String message, @Nullable Throwable cause) {
		super(ErrorCode.INVALID_CONN, message, cause);
	}

}
