package io.github.qemuembed.driver.internal.core;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.error.QmpException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Layer 2: {@code <on_crash>} with a {@code <panic>} device on real, guest-less QEMU. The
 * panic is raised the way a guest kernel's pvpanic driver raises it, by writing bit 0 to
 * the device's I/O port (here through the monitor's {@code o} command), so QEMU sends the
 * real {@code GUEST_PANICKED} and {@code STOP}. The same with a real guest kernel is in
 * the integration tests.
 */
class OnCrashTests {

	@RegisterExtension
	final OpenDriver open = new OpenDriver();

	private static final String PANIC = "{\"execute\":\"human-monitor-command\","
			+ "\"arguments\":{\"command-line\":\"o /b 0x505 1\"}}";

	static String withPanic(String name, String onCrash) {
		return GuestlessDomains.xml(name)
			.replace("</devices>", "<panic model='isa'/></devices>")
			.replace("<devices>", "<on_crash>" + onCrash + "</on_crash>\n<devices>");
	}

	/**
	 * Raises the panic when on_crash ends QEMU: the monitor may be gone before the
	 * command's reply.
	 */
	private static void panic(Domain domain) {
		try {
			domain.qmp(PANIC);
		}
		catch (QmpException ex) {
			assertThat(ex.errorClass()).isEqualTo("Disconnected");
		}
	}

	@Test
	void preserveKeepsTheCrashedDomainUntilDestroyed() {
		Domain domain = this.open.driver().define(withPanic("keep", "preserve"));
		domain.start();
		long pid = domain.info().pid().orElseThrow();
		domain.qmp(PANIC);
		await().atMost(Duration.ofSeconds(30)).until(() -> domain.status().state() == DomainState.CRASHED);
		assertThat(domain.status()).hasToString("crashed/panicked");
		// the STOP that follows the panic does not turn it into a pause
		await().untilAsserted(() -> assertThat(domain.qmp("{\"execute\":\"query-status\"}"))
			.contains("\"status\":\"guest-panicked\""));
		assertThat(domain.status()).hasToString("crashed/panicked");
		assertThat(ProcessHandle.of(pid)).isPresent();
		assertThat(domain.info().pid()).hasValue(pid);
		assertThat(this.open.events()).extracting(DomainEvent::type)
			.contains(DomainEventType.CRASHED)
			.doesNotContain(DomainEventType.SUSPENDED, DomainEventType.STOPPED);
		domain.destroy();
		assertThat(domain.status()).hasToString("shutoff/destroyed");
		assertThat(ProcessHandle.of(pid)).isEmpty();
	}

	@Test
	void destroyEndsQemuAndRecordsACrash() {
		Domain domain = this.open.driver().define(withPanic("gone", "destroy"));
		domain.start();
		long pid = domain.info().pid().orElseThrow();
		panic(domain);
		await().atMost(Duration.ofSeconds(30)).until(() -> domain.status().state() == DomainState.SHUTOFF);
		assertThat(domain.status()).hasToString("shutoff/crashed");
		await().until(() -> ProcessHandle.of(pid).isEmpty());
		await().untilAsserted(() -> assertThat(this.open.events()).extracting(DomainEvent::type)
			.contains(DomainEventType.STOPPED, DomainEventType.CRASHED)
			.doesNotContain(DomainEventType.SUSPENDED));
		assertThat(this.open.root().resolve("run/qemu/gone.xml")).doesNotExist();
	}

	@Test
	void restartStartsANewQemu() {
		Domain domain = this.open.driver().define(withPanic("again", "restart"));
		domain.start();
		long pid = domain.info().pid().orElseThrow();
		panic(domain);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> domain.status().state() == DomainState.RUNNING && domain.info().pid().orElse(pid) != pid);
		assertThat(ProcessHandle.of(pid)).isEmpty();
		assertThat(this.open.events()).extracting(DomainEvent::type)
			.containsSubsequence(DomainEventType.STARTED, DomainEventType.CRASHED, DomainEventType.REBOOTED);
		domain.destroy();
		assertThat(domain.status()).hasToString("shutoff/destroyed");
	}

}
