package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * The emulator could not be found, probed or started, or died while starting; the message
 * carries the tail of its log.
 */
public class EmulatorException extends QemuEmbedException {

	public EmulatorException(String message) {
		super(ErrorCode.OPERATION_FAILED, message);
	}

	public EmulatorException(String message, @Nullable Throwable cause) {
		super(ErrorCode.OPERATION_FAILED, message, cause);
	}

}
