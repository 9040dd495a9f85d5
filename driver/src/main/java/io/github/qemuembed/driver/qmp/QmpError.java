package io.github.qemuembed.driver.qmp;

import org.jspecify.annotations.Nullable;

/**
 * Base of the errors this QMP client reports; a library of its own, so it does not use
 * the driver's error codes (the driver maps these at its boundary). The subclasses say
 * what went wrong: {@link QmpConnectError}, {@link QmpExecuteError},
 * {@link QmpTimeoutError}, {@link QmpInterruptedError} and {@link QmpProtocolError}.
 */
public class QmpError extends RuntimeException {

	public QmpError(String message) {
		super(message);
	}

	public QmpError(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
