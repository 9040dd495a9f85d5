package io.github.qemuembed.driver.error;

/**
 * The calling thread was interrupted while the driver waited for something (a domain's
 * turn, QEMU, the guest, a reply); code {@link ErrorCode#OPERATION_ABORTED}. The thread's
 * interrupt status is set again when this is thrown, so that the caller's own code sees
 * the interrupt too. What was already asked of QEMU may still happen.
 */
public class OperationInterruptedException extends QemuEmbedException {

	public OperationInterruptedException(String message, Throwable cause) {
		super(ErrorCode.OPERATION_ABORTED, message, cause);
	}

	/**
	 * Sets the calling thread's interrupt status again (a caught
	 * {@link InterruptedException} cleared it) and returns the exception to throw.
	 * @param message what was being waited for
	 * @param cause the interrupt
	 * @return the exception
	 */
	public static OperationInterruptedException restoring(String message, Throwable cause) {
		Thread.currentThread().interrupt();
		return new OperationInterruptedException(message, cause);
	}

}
