package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * The agent sent something that is not its protocol (not JSON, an oversized message, a
 * reply of the wrong shape), so the driver lost track of which reply belongs to which
 * call. libvirt's {@code VIR_ERR_AGENT_UNSYNCED}. The driver resynchronises with
 * {@code guest-sync-delimited} before the next call.
 */
public class GuestAgentProtocolException extends GuestAgentException {

	public GuestAgentProtocolException(String message) {
		this(message, null);
	}

	public GuestAgentProtocolException(String message, @Nullable Throwable cause) {
		super(ErrorCode.AGENT_UNSYNCED, message, cause);
	}

}
