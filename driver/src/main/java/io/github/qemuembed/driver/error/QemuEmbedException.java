package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * Base of every error the driver reports. Each carries a stable {@link ErrorCode};
 * messages say what to change, and never contain secret values.
 */
public class QemuEmbedException extends RuntimeException {

	private final ErrorCode code;

	public QemuEmbedException(ErrorCode code, String message) {
		this(code, message, null);
	}

	public QemuEmbedException(ErrorCode code, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.code = code;
	}

	public ErrorCode code() {
		return this.code;
	}

}
