package io.github.qemuembed.driver.error;

/**
 * An operation (a QMP call, a shutdown, a process start) did not finish within its
 * timeout.
 */
public class OperationTimeoutException extends QemuEmbedException {

	public OperationTimeoutException(String message) {
		super(ErrorCode.OPERATION_TIMEOUT, message);
	}

	public OperationTimeoutException(String message, Throwable cause) {
		super(ErrorCode.OPERATION_TIMEOUT, message, cause);
	}

}
