package io.github.qemuembed.driver.qmp;

import org.jspecify.annotations.Nullable;

/**
 * QEMU answered a command with an error: {@link #errorClass()} is QMP's error class
 * ({@code GenericError}, {@code CommandNotFound}, {@code DeviceNotFound}, ...) and
 * {@link #description()} its {@code desc}.
 */
public class QmpExecuteError extends QmpError {

	private final String command;

	private final String errorClass;

	private final String description;

	public QmpExecuteError(String command, String errorClass, String description) {
		this(command, errorClass, description, null);
	}

	public QmpExecuteError(String command, String errorClass, String description, @Nullable Throwable cause) {
		super("QMP error " + errorClass + " for '" + command + "': " + description, cause);
		this.command = command;
		this.errorClass = errorClass;
		this.description = description;
	}

	/** The command QEMU refused. */
	public String command() {
		return this.command;
	}

	/** QMP's error class. */
	public String errorClass() {
		return this.errorClass;
	}

	/** QEMU's description of the error. */
	public String description() {
		return this.description;
	}

}
