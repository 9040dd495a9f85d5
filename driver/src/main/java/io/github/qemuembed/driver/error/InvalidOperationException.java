package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * The operation is not valid in the domain's current state (for example: start a running
 * domain).
 */
public class InvalidOperationException extends QemuEmbedException {

	public InvalidOperationException(String message) {
		super(ErrorCode.OPERATION_INVALID, message);
	}

	public InvalidOperationException(String message, @Nullable Throwable cause) {
		super(ErrorCode.OPERATION_INVALID, message, cause);
	}

}
