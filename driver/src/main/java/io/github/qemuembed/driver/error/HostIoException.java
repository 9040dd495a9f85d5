package io.github.qemuembed.driver.error;

import java.io.IOException;
import java.nio.file.NoSuchFileException;

/**
 * A file or socket operation on the host failed: the root is read-only or full, a
 * directory was removed under the driver, permissions changed (libvirt's
 * {@code VIR_ERR_SYSTEM_ERROR}). The message names the path and the system's reason; the
 * cause is the {@link IOException}.
 */
public class HostIoException extends QemuEmbedException {

	public HostIoException(String message, IOException cause) {
		super(ErrorCode.SYSTEM_ERROR, message + ": " + describe(cause) + remedy(cause), cause);
	}

	/**
	 * What to change, for the failures a root meets in practice; nothing when the reason
	 * says it all.
	 */
	private static String remedy(IOException cause) {
		String message = String.valueOf(cause.getMessage());
		if (message.contains("No space left on device") || message.contains("Disk quota exceeded")) {
			return " (free space on that file system, or move the root to a larger one)";
		}
		if (message.contains("Read-only file system")) {
			return " (the file system is mounted read-only: remount it writable or move the root)";
		}
		if (cause instanceof NoSuchFileException) {
			return " (it was removed under the driver: recreate it, or close and reopen the driver)";
		}
		// not this package's AccessDeniedException (the access policy's)
		if (cause instanceof java.nio.file.AccessDeniedException) {
			return " (give the driver's user write access to it)";
		}
		return "";
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
