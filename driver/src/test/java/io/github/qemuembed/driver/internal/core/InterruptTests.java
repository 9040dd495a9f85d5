package io.github.qemuembed.driver.internal.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.OperationInterruptedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * An interrupted caller gets {@link OperationInterruptedException}
 * ({@link ErrorCode#OPERATION_ABORTED}) with its interrupt status set again, whatever the
 * driver was waiting for when the interrupt came (the domain's turn, QEMU's reply, the
 * guest powering off); the domain goes on as it was.
 */
class InterruptTests {

	@RegisterExtension
	final OpenDriver open = new OpenDriver();

	@Test
	void anInterruptedCallerIsToldSoAndKeepsItsInterruptStatus() {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("waiting"));
		domain.start();
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(OperationInterruptedException.class).isThrownBy(domain::suspend)
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.OPERATION_ABORTED))
				.withMessageContaining("'waiting'");
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
	}

	@Test
	void anInterruptDuringAShutdownWaitEndsTheWaitNotTheDomain() throws Exception {
		// SeaBIOS without a guest ignores the power button: only the interrupt ends this
		// wait
		Domain domain = this.open.driver().define(GuestlessDomains.xml("patient"));
		domain.start();
		CompletableFuture<Throwable> failure = new CompletableFuture<>();
		AtomicBoolean interruptedAfter = new AtomicBoolean();
		Thread caller = new Thread(() -> {
			try {
				domain.shutdown(Duration.ofMinutes(10));
				failure.complete(null);
			}
			catch (Throwable ex) {
				interruptedAfter.set(Thread.currentThread().isInterrupted());
				failure.complete(ex);
			}
		}, "shutdown-caller");
		caller.start();
		await().atMost(Duration.ofSeconds(60))
			.until(() -> caller.getState() == Thread.State.TIMED_WAITING || failure.isDone());
		caller.interrupt();
		assertThat(failure.get()).isInstanceOfSatisfying(OperationInterruptedException.class,
				(ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.OPERATION_ABORTED));
		assertThat(interruptedAfter).isTrue();
		caller.join();
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
	}

}
