package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * A guest agent call failed. The base of the agent's errors: the agent answered with an
 * error ({@link #errorClass()} and {@link #description()} are the agent's own, such as
 * {@code GenericError}), or the driver could not talk to it (see the subclasses).
 */
public class GuestAgentException extends QemuEmbedException {

	private final String errorClass;

	private final String description;

	/** The agent answered a command with an error. */
	public GuestAgentException(String command, String errorClass, String description) {
		super(ErrorCode.OPERATION_FAILED,
				"guest agent command '" + command + "' failed: " + errorClass + ": " + description);
		this.errorClass = errorClass;
		this.description = description;
	}

	protected GuestAgentException(ErrorCode code, String message, @Nullable Throwable cause) {
		super(code, message, cause);
		this.errorClass = "";
		this.description = message;
	}

	/** The agent's error class, empty when the failure was not an error reply. */
	public String errorClass() {
		return this.errorClass;
	}

	/** The agent's description of the error, or this exception's message. */
	public String description() {
		return this.description;
	}

}
