package io.github.qemuembed.driver.error;

import java.io.IOException;

/**
 * A file or socket operation on the host failed: the root is read-only or full, a
 * directory was removed under the driver, permissions changed (libvirt's
 * {@code VIR_ERR_SYSTEM_ERROR}). The message names the path and the system's reason; the
 * cause is the {@link IOException}.
 */
public class HostIoException extends QemuEmbedException {

	public HostIoException(String message, IOException cause) {
		super(ErrorCode.SYSTEM_ERROR, message + ": " + describe(cause), cause);
	}

	/**
	 * The system's reason, with the exception type where the message alone says little
	 * (e.g. just a path).
	 */
	private static String describe(IOException cause) {
		String message = cause.getMessage();
		String type = cause.getClass().getSimpleName();
		if (message == null || message.isBlank()) {
			return type;
		}
		return (cause.getClass() == IOException.class) ? message : type + " " + message;
	}

}
