package io.github.qemuembed.driver.internal.monitor;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.error.QmpException;
import io.github.qemuembed.driver.qmp.QmpConnectError;
import io.github.qemuembed.driver.qmp.QmpExecuteError;
import io.github.qemuembed.driver.qmp.QmpInterruptedError;
import io.github.qemuembed.driver.qmp.QmpProtocolError;
import io.github.qemuembed.driver.qmp.QmpTimeoutError;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The QMP client's errors as the driver reports them: each with its stable error code,
 * the QMP error as the cause, nothing lost.
 */
class QmpErrorsTests {

	@Test
	void aRefusedCommandKeepsQmpsErrorClassAndDescription() {
		QmpExecuteError refused = new QmpExecuteError("device_del", "DeviceNotFound", "Device 'net9' not found");
		QemuEmbedException mapped = QmpErrors.toDriver(refused);
		assertThat(mapped).isInstanceOfSatisfying(QmpException.class, (ex) -> {
			assertThat(ex.errorClass()).isEqualTo("DeviceNotFound");
			assertThat(ex.description()).isEqualTo("Device 'net9' not found");
		});
		assertThat(mapped.code()).isEqualTo(ErrorCode.OPERATION_FAILED);
		assertThat(mapped).hasMessage("QMP error DeviceNotFound: Device 'net9' not found").hasCause(refused);
	}

	@Test
	void aLostConnectionIsDisconnected() {
		IOException reset = new IOException("Connection reset by peer");
		QmpProtocolError lost = new QmpProtocolError("the QMP connection failed: Connection reset by peer", reset);
		QemuEmbedException mapped = QmpErrors.toDriver(lost);
		assertThat(mapped).isInstanceOfSatisfying(QmpException.class,
				(ex) -> assertThat(ex.errorClass()).isEqualTo(QmpException.DISCONNECTED));
		assertThat(mapped.code()).isEqualTo(ErrorCode.OPERATION_FAILED);
		assertThat(mapped).hasMessageContaining("Connection reset by peer").hasCause(lost);
	}

	@Test
	void aTimeoutIsAnOperationTimeout() {
		QmpTimeoutError late = new QmpTimeoutError("QMP command 'stop' got no reply within 300 ms");
		QemuEmbedException mapped = QmpErrors.toDriver(late);
		assertThat(mapped).isInstanceOf(OperationTimeoutException.class).hasMessage(late.getMessage()).hasCause(late);
		assertThat(mapped.code()).isEqualTo(ErrorCode.OPERATION_TIMEOUT);
	}

	@Test
	void anInterruptIsOperationAbortedAndTheInterruptStatusStays() {
		Thread.currentThread().interrupt();
		try {
			QmpInterruptedError interrupted = new QmpInterruptedError(
					"interrupted while waiting for the reply to 'cont'", new InterruptedException());
			QemuEmbedException mapped = QmpErrors.toDriver(interrupted);
			assertThat(mapped).isInstanceOf(OperationInterruptedException.class)
				.hasMessageContaining("'cont'")
				.hasCause(interrupted);
			assertThat(mapped.code()).isEqualTo(ErrorCode.OPERATION_ABORTED);
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
	}

	@Test
	void aConnectErrorMapsByItsCauseWithItsOwnMessage() {
		QmpConnectError timedOut = new QmpConnectError("QMP socket /r/monitor.sock did not accept a connection",
				new QmpTimeoutError("QMP socket /r/monitor.sock did not accept a connection"));
		assertThat(QmpErrors.toDriver(timedOut)).isInstanceOf(OperationTimeoutException.class)
			.hasMessageContaining("monitor.sock")
			.hasCause(timedOut);
		QmpConnectError refused = new QmpConnectError("the QMP handshake failed",
				new QmpExecuteError("qmp_capabilities", "CommandNotFound", "no"));
		assertThat(QmpErrors.toDriver(refused)).isInstanceOfSatisfying(QmpException.class,
				(ex) -> assertThat(ex.errorClass()).isEqualTo("CommandNotFound"));
		QmpConnectError exited = new QmpConnectError("the emulator (pid 42) exited before its QMP socket accepted",
				new IOException("No such file or directory"));
		assertThat(QmpErrors.toDriver(exited)).isInstanceOfSatisfying(QmpException.class, (ex) -> {
			assertThat(ex.errorClass()).isEqualTo(QmpException.DISCONNECTED);
			assertThat(ex.description()).contains("pid 42");
		});
	}

}
