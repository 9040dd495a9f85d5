package io.github.qemuembed.driver.internal.rpc;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;

/**
 * The peer sent something that is not valid libvirt RPC (bad framing, bad XDR, unexpected
 * program).
 */
class RemoteProtocolException extends SecondaryDriverException {

	public RemoteProtocolException(String message) {
		super(ErrorCode.RPC, message, null);
	}

}
