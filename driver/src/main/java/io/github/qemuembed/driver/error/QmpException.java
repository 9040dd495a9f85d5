package io.github.qemuembed.driver.error;

/**
 * QEMU answered a QMP command with an error, or the monitor connection failed.
 * {@link #errorClass()} is QMP's error class ({@code GenericError},
 * {@code CommandNotFound}, ...), or {@value #DISCONNECTED} when the connection was lost
 * with the call pending. The driver's form of the QMP client's own
 * {@code QmpExecuteError}, {@code QmpProtocolError} and {@code QmpConnectError}.
 */
public class QmpException extends QemuEmbedException {

	public static final String DISCONNECTED = "Disconnected";

	private final String errorClass;

	private final String description;

	public QmpException(String errorClass, String description) {
		this(errorClass, description, null);
	}

	public QmpException(String errorClass, String description, Throwable cause) {
		super(ErrorCode.OPERATION_FAILED, "QMP error " + errorClass + ": " + description, cause);
		this.errorClass = errorClass;
		this.description = description;
	}

	public String errorClass() {
		return this.errorClass;
	}

	public String description() {
		return this.description;
	}

}
