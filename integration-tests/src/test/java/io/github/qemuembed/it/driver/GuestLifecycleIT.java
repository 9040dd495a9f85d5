package io.github.qemuembed.it.driver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

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
import io.github.qemuembed.testsupport.console.ShellResult;
import io.github.qemuembed.testsupport.guest.TestGuest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Layer 3: the driver with a real Linux guest (TCG): the live console, graceful shutdown
 * through ACPI, guest reboot, and on_poweroff.
 */
class GuestLifecycleIT {

	@RegisterExtension
	final OpenDriver open = new OpenDriver(Accel.TCG);

	private static final Duration BOOT = Duration.ofSeconds(90);

	@Test
	void consoleRunsCommandsAndAcpiShutdownPowersTheGuestOff() throws Exception {
		// currentMemory below memory: the balloon is set before the vCPUs run, and the
		// guest's driver follows it
		Domain domain = this.open.driver()
			.define(TestGuest.standard()
				.domain("guest")
				.type("qemu")
				.memoryMiB(160)
				.toXml()
				.replace("</memory>", "</memory>\n  <currentMemory unit='MiB'>128</currentMemory>"));
		domain.start();
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.awaitText(TestGuest.READY_MARKER, BOOT);
			ShellResult result = shell.run("echo hello-from-guest; uname -r", Duration.ofSeconds(30));
			assertThat(result.exitCode()).isZero();
			assertThat(result.output()).contains("hello-from-guest").contains(TestGuest.standard().kernelRelease());
			assertThat(shell.run("false", Duration.ofSeconds(30)).exitCode()).isEqualTo(1);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(domain.qmp("{\"execute\":\"query-balloon\"}"))
					.contains("\"actual\":" + 128L * 1024 * 1024));
		}
		// the console output is in the domain log as well, written by QEMU itself
		assertThat(this.open.root().resolve("log/qemu/guest.log")).content().contains(TestGuest.READY_MARKER);

		assertThat(domain.shutdown(Duration.ofSeconds(60))).as("guest powered off by itself").isTrue();
		assertThat(domain.status()).hasToString("shutoff/shutdown");
		await().untilAsserted(() -> assertThat(this.open.events()).extracting(DomainEvent::type)
			.containsSubsequence(DomainEventType.STARTED, DomainEventType.SHUTDOWN, DomainEventType.STOPPED));
	}

	@Test
	void rebootBringsTheGuestBackAndOnPoweroffRestartRestartsIt() throws Exception {
		String xml = TestGuest.standard()
			.domain("bouncer")
			.type("qemu")
			.toXml()
			.replace("<on_poweroff>destroy</on_poweroff>", "<on_poweroff>restart</on_poweroff>");
		Domain domain = this.open.driver().define(xml);
		domain.start();
		Path log = this.open.root().resolve("log/qemu/bouncer.log");
		await().atMost(BOOT).until(() -> markers(log) >= 1);
		long firstPid = domain.info().pid().orElseThrow();

		domain.reboot();
		await().atMost(BOOT).until(() -> markers(log) >= 2);
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
		assertThat(domain.info().pid().orElseThrow()).isNotEqualTo(firstPid);

		// the guest powering itself off: on_poweroff=restart starts it again
		long secondPid = domain.info().pid().orElseThrow();
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.run("echo ready-to-power-off", Duration.ofSeconds(30));
			shell.sendLine("poweroff -f");
			// keep the console open until QEMU is gone: closing it may drop input QEMU
			// has not read yet
			await().atMost(BOOT).until(() -> ProcessHandle.of(secondPid).isEmpty());
		}
		await().atMost(BOOT).until(() -> markers(log) >= 3);
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
		assertThat(this.open.events()).extracting(DomainEvent::type).contains(DomainEventType.REBOOTED);
		domain.destroy();
		assertThat(domain.status()).hasToString("shutoff/destroyed");
	}

	@Test
	void guestRebootWithOnRebootDestroyEndsTheDomain() throws Exception {
		String xml = TestGuest.standard()
			.domain("oneshot")
			.type("qemu")
			.toXml()
			.replace("<on_poweroff>destroy</on_poweroff>",
					"<on_poweroff>restart</on_poweroff><on_reboot>destroy</on_reboot>");
		Domain domain = this.open.driver().define(xml);
		domain.start();
		long pid = domain.info().pid().orElseThrow();
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.awaitText(TestGuest.READY_MARKER, BOOT);
			shell.sendLine("reboot -f");
			await().atMost(BOOT).until(() -> ProcessHandle.of(pid).isEmpty());
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> domain.status().state() == DomainState.SHUTOFF);
		assertThat(domain.status()).hasToString("shutoff/shutdown");
		assertThat(markers(this.open.root().resolve("log/qemu/oneshot.log"))).isEqualTo(1);
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
