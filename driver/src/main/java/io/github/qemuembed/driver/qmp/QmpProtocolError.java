package io.github.qemuembed.driver.qmp;

import org.jspecify.annotations.Nullable;

/**
 * The conversation broke: the connection ended (QEMU exited or closed its monitor, the
 * client was closed) or QEMU sent something the client refused (an over-long message).
 * Every call pending when the connection ends fails with this; the cause, if any, is the
 * underlying I/O error.
 */
public class QmpProtocolError extends QmpError {

	public QmpProtocolError(String message) {
		super(message);
	}

	public QmpProtocolError(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
