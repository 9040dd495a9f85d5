package io.github.qemuembed.driver.qmp;

/**
 * The connection could not be set up: the socket did not accept, the emulator exited
 * first, or the greeting or the capabilities negotiation failed. The cause says why (a
 * {@link QmpTimeoutError} when it took too long, a {@link QmpExecuteError} when QEMU
 * refused {@code qmp_capabilities}, a {@link QmpProtocolError} when the connection ended,
 * an I/O error from the socket).
 */
public class QmpConnectError extends QmpError {

	public QmpConnectError(String message, Throwable cause) {
		super(message, cause);
	}

}
