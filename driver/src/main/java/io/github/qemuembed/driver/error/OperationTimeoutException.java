package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * An operation (a QMP call, a shutdown, a process start) did not finish within its
 * timeout.
 */
public class OperationTimeoutException extends QemuEmbedException {

	public OperationTimeoutException(String message) {
		super(ErrorCode.OPERATION_TIMEOUT, message);
	}

	public OperationTimeoutException(String message, @Nullable Throwable cause) {
		super(ErrorCode.OPERATION_TIMEOUT, message, cause);
	}

}
