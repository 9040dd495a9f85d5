package io.github.qemuembed.driver.internal.rpc;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;

/**
 * A libvirt daemon did not answer a call in time (it may be stopped, paused or
 * overloaded).
 */
public class RemoteTimeoutException extends SecondaryDriverException {

	public RemoteTimeoutException(String message) {
		super(ErrorCode.OPERATION_TIMEOUT, message, null);
	}

}
