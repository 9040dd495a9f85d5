package io.github.qemuembed.driver.qmp;

/**
 * The calling thread was interrupted while it waited (for a connection or a reply). The
 * thread's interrupt status is set again before this is thrown; a command that was
 * already sent may still run in QEMU.
 */
public class QmpInterruptedError extends QmpError {

	public QmpInterruptedError(String message, InterruptedException cause) {
		super(message, cause);
	}

	/**
	 * Restores the calling thread's interrupt status and returns the error to throw.
	 */
	static QmpInterruptedError restoring(String message, InterruptedException cause) {
		Thread.currentThread().interrupt();
		return new QmpInterruptedError(message, cause);
	}

}
