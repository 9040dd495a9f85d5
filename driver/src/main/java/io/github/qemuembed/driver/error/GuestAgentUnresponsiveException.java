package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * No guest agent answered: the guest has not opened the agent channel (no {@code qemu-ga}
 * running), the agent did not reply within the call's timeout, or the connection to the
 * channel broke during the call. libvirt's {@code VIR_ERR_AGENT_UNRESPONSIVE}. The driver
 * resynchronises with the agent before the next call.
 */
public class GuestAgentUnresponsiveException extends GuestAgentException {

	public GuestAgentUnresponsiveException(String message) {
		this(message, null);
	}

	public GuestAgentUnresponsiveException(String message, @Nullable Throwable cause) {
		super(ErrorCode.AGENT_UNRESPONSIVE, message, cause);
	}

}
