package io.github.qemuembed.driver.error;

/**
 * A command run in the guest with {@code guest-exec} did not end within its timeout; the
 * driver killed it (SIGKILL, through the agent) before throwing this.
 */
public class GuestExecTimeoutException extends GuestAgentException {

	private final long pid;

	public GuestExecTimeoutException(String message, long pid) {
		super(ErrorCode.OPERATION_TIMEOUT, message, null);
		this.pid = pid;
	}

	/** The guest's process id of the command that was killed. */
	public long pid() {
		return this.pid;
	}

}
