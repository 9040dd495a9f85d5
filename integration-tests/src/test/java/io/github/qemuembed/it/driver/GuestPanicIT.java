package io.github.qemuembed.it.driver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.guest.TestGuest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Layer 3: {@code <on_crash>} with a real Linux guest (TCG) whose kernel panics
 * ({@code echo c >
 * /proc/sysrq-trigger}) and reports it through {@code <panic model='isa'/>} (the guest's
 * {@code pvpanic_mmio} driver on ACPI device {@code QEMU0001}); the guest binding
 * {@code pvpanic-pci} to {@code <panic model='pvpanic'/>} is checked on the way. Three
 * boots in all.
 */
class GuestPanicIT {

	@RegisterExtension
	final OpenDriver open = new OpenDriver(Accel.TCG);

	private static final Duration BOOT = Duration.ofSeconds(90);

	private static final Duration COMMAND = Duration.ofSeconds(30);

	static String xml(String name, UUID uuid, String onCrash, String... panicModels) {
		var domain = TestGuest.standard().domain(name).uuid(uuid).type("qemu");
		for (String model : panicModels) {
			domain.device("<panic model='" + model + "'/>");
		}
		return domain.toXml()
			.replace("<on_poweroff>destroy</on_poweroff>",
					"<on_poweroff>destroy</on_poweroff>\n  <on_crash>" + onCrash + "</on_crash>");
	}

	@Test
	void onCrashPreserveKeepsTheCrashedGuestAndQemuUntilDestroyed() throws Exception {
		// both models: the guest binds a driver to each (the panic itself is reported
		// through both)
		Domain domain = this.open.driver().define(xml("keeper", UUID.randomUUID(), "preserve", "isa", "pvpanic"));
		domain.start();
		long pid = domain.info().pid().orElseThrow();
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.awaitText(TestGuest.READY_MARKER, BOOT);
			assertThat(shell.runSuccessfully("ls /sys/bus/pci/drivers/pvpanic-pci", COMMAND))
				.as("the guest's pvpanic-pci driver has bound the pvpanic device")
				.containsPattern("0000:00:..\\.0");
			panic(shell);
			await().atMost(COMMAND).until(() -> domain.status().state() != DomainState.RUNNING);
		}
		assertThat(domain.status()).hasToString("crashed/panicked");
		assertThat(ProcessHandle.of(pid)).as("QEMU is kept").isPresent();
		assertThat(domain.qmp("{\"execute\":\"query-status\"}")).contains("\"status\":\"guest-panicked\"");
		assertThat(domain.status()).as("the STOP of the panic is no pause").hasToString("crashed/panicked");
		assertThat(this.open.events()).extracting(DomainEvent::type)
			.contains(DomainEventType.CRASHED)
			.doesNotContain(DomainEventType.SUSPENDED, DomainEventType.STOPPED);

		domain.destroy();
		assertThat(domain.status()).hasToString("shutoff/destroyed");
		assertThat(ProcessHandle.of(pid)).isEmpty();
	}

	@Test
	void onCrashRestartBootsTheGuestAgainAndOnCrashDestroyEndsIt() throws Exception {
		UUID uuid = UUID.randomUUID();
		Domain domain = this.open.driver().define(xml("phoenix", uuid, "restart", "isa"));
		domain.start();
		Path log = this.open.root().resolve("log/qemu/phoenix.log");
		long firstPid = domain.info().pid().orElseThrow();
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.awaitText(TestGuest.READY_MARKER, BOOT);
			// The run keeps the on_crash it started with (restart); the next run takes
			// the persistent
			// definition, so the second boot proves on_crash=destroy without a third boot
			// of its own.
			this.open.driver().define(xml("phoenix", uuid, "destroy", "isa"));
			panic(shell);
			// keep the console open until QEMU is gone
			await().atMost(BOOT).until(() -> ProcessHandle.of(firstPid).isEmpty());
		}
		await().atMost(BOOT).until(() -> markers(log) >= 2);
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
		long secondPid = domain.info().pid().orElseThrow();
		assertThat(secondPid).isNotEqualTo(firstPid);
		assertThat(this.open.events()).extracting(DomainEvent::type)
			.containsSubsequence(DomainEventType.STARTED, DomainEventType.STOPPED, DomainEventType.CRASHED,
					DomainEventType.REBOOTED)
			.doesNotContain(DomainEventType.SUSPENDED);

		this.open.events().clear();
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.run("echo second-boot", COMMAND);
			panic(shell);
			await().atMost(BOOT).until(() -> ProcessHandle.of(secondPid).isEmpty());
		}
		await().atMost(COMMAND).until(() -> domain.status().state() == DomainState.SHUTOFF);
		assertThat(domain.status()).hasToString("shutoff/crashed");
		await().untilAsserted(() -> assertThat(this.open.events()).extracting(DomainEvent::type)
			.contains(DomainEventType.STOPPED, DomainEventType.CRASHED)
			.doesNotContain(DomainEventType.REBOOTED, DomainEventType.SUSPENDED));
		assertThat(markers(log)).isEqualTo(2);
	}

	/** Checks that the guest's pvpanic driver is bound, then panics the guest kernel. */
	private static void panic(GuestConsole shell) {
		assertThat(shell.runSuccessfully("ls /sys/bus/platform/drivers/pvpanic-mmio", COMMAND))
			.as("the guest's pvpanic driver has bound the isa panic device")
			.contains("QEMU0001");
		shell.sendLine("echo c > /proc/sysrq-trigger");
	}

	private static int markers(Path log) throws Exception {
		String text = Files.readString(log);
		int count = 0;
		for (int i = text.indexOf(TestGuest.READY_MARKER); i >= 0; i = text.indexOf(TestGuest.READY_MARKER, i + 1)) {
			count++;
		}
		return count;
	}

}
