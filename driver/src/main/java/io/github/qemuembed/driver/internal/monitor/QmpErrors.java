package io.github.qemuembed.driver.internal.monitor;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.error.QmpException;
import io.github.qemuembed.driver.qmp.QmpConnectError;
import io.github.qemuembed.driver.qmp.QmpError;
import io.github.qemuembed.driver.qmp.QmpExecuteError;
import io.github.qemuembed.driver.qmp.QmpInterruptedError;
import io.github.qemuembed.driver.qmp.QmpProtocolError;
import io.github.qemuembed.driver.qmp.QmpTimeoutError;

/**
 * The one place where the QMP client's own errors become the driver's typed errors with
 * their stable {@link ErrorCode}s:
 * <ul>
 * <li>{@link QmpExecuteError} (QEMU said no) &rarr; {@link QmpException} with QMP's error
 * class;</li>
 * <li>{@link QmpProtocolError} (the connection ended or broke) &rarr;
 * {@link QmpException} of class {@value QmpException#DISCONNECTED};</li>
 * <li>{@link QmpTimeoutError} &rarr; {@link OperationTimeoutException};</li>
 * <li>{@link QmpInterruptedError} &rarr; {@link OperationInterruptedException} (the
 * interrupt status stays set);</li>
 * <li>{@link QmpConnectError} &rarr; what its cause maps to (a timeout, a refused
 * negotiation), else {@value QmpException#DISCONNECTED}, with the connect error's
 * message.</li>
 * </ul>
 */
public final class QmpErrors {

	private QmpErrors() {
	}

	/** The driver's exception for {@code error}; its cause is {@code error}. */
	public static QemuEmbedException toDriver(QmpError error) {
		if (error instanceof QmpExecuteError refused) {
			return new QmpException(refused.errorClass(), refused.description(), refused);
		}
		if (error instanceof QmpTimeoutError) {
			return new OperationTimeoutException(error.getMessage(), error);
		}
		if (error instanceof QmpInterruptedError) {
			// the QMP client restored the interrupt status already; this thread keeps it
			return new OperationInterruptedException(error.getMessage(), error);
		}
		if (error instanceof QmpConnectError) {
			if (error.getCause() instanceof QmpTimeoutError) {
				return new OperationTimeoutException(error.getMessage(), error);
			}
			if (error.getCause() instanceof QmpExecuteError refused) {
				return new QmpException(refused.errorClass(), refused.description(), error);
			}
			return new QmpException(QmpException.DISCONNECTED, error.getMessage(), error);
		}
		if (error instanceof QmpProtocolError) {
			return new QmpException(QmpException.DISCONNECTED, error.getMessage(), error);
		}
		return new QemuEmbedException(ErrorCode.INTERNAL_ERROR, error.getMessage(), error);
	}

}
