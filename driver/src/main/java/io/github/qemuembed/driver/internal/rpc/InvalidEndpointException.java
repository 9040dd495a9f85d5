package io.github.qemuembed.driver.internal.rpc;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;

/**
 * An endpoint string is not a libvirt URI this client can use. The message says what is
 * accepted.
 */
public class InvalidEndpointException extends SecondaryDriverException {

	public InvalidEndpointException(String message) {
		super(ErrorCode.INVALID_ARG, message, null);
	}

}
