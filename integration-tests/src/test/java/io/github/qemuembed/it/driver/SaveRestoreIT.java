package io.github.qemuembed.it.driver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.console.ShellResult;
import io.github.qemuembed.testsupport.guest.TestGuest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layer 3: a real Linux guest (TCG) saved and restored. The restored guest is the same
 * guest, not a new boot: its uptime counter goes on from where it was, a file in its
 * RAM-backed root is still there, and its shell answers.
 */
class SaveRestoreIT {

	private static final Duration BOOT = Duration.ofSeconds(90);

	private static final Duration COMMAND = Duration.ofSeconds(30);

	@RegisterExtension
	final OpenDriver open = new OpenDriver(Accel.TCG);

	@Test
	void aSavedGuestRestoredByANewDriverKeepsItsUptimeAndItsFiles() throws Exception {
		Domain domain = this.open.driver().define(TestGuest.standard().domain("saver").type("qemu").toXml());
		domain.start();
		String token = UUID.randomUUID().toString();
		double before;
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.awaitText(TestGuest.READY_MARKER, BOOT);
			assertThat(shell.run("echo " + token + " > /tmp/token", COMMAND).exitCode()).isZero();
			before = uptime(shell);
		}
		Path file = this.open.root().resolve("saver.save");
		domain.save(file);
		assertThat(domain.status()).hasToString("shutoff/saved");
		this.open.driver().close();

		try (QemuDriver next = QemuDriver.open(GuestlessDomains.config(this.open.root()).accel(Accel.TCG).build())) {
			Domain restored = next.restore(file);
			assertThat(restored.status()).hasToString("running/restored");
			try (DomainConsole console = restored.openConsole();
					GuestConsole shell = new GuestConsole(console.output(), console.input())) {
				double after = uptime(shell);
				assertThat(after).as("uptime goes on from %s s", before).isGreaterThanOrEqualTo(before);
				ShellResult kept = shell.run("cat /tmp/token", COMMAND);
				assertThat(kept.exitCode()).isZero();
				assertThat(kept.output()).contains(token);
			}
			// the guest was never booted again: one boot marker in the log, from the
			// first start
			assertThat(markers(this.open.root().resolve("log/qemu/saver.log"))).isEqualTo(1);
			restored.destroy();
		}
	}

	@Test
	void managedSaveResumesTheGuestAtTheNextStart() throws Exception {
		Domain domain = this.open.driver().define(TestGuest.standard().domain("hibernator").type("qemu").toXml());
		domain.start();
		double before;
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.awaitText(TestGuest.READY_MARKER, BOOT);
			assertThat(shell.run("echo hibernated > /tmp/state", COMMAND).exitCode()).isZero();
			before = uptime(shell);
		}
		domain.managedSave();
		assertThat(domain.hasManagedSaveImage()).isTrue();

		domain.start();
		assertThat(domain.status()).hasToString("running/restored");
		assertThat(domain.hasManagedSaveImage()).isFalse();
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			assertThat(uptime(shell)).isGreaterThanOrEqualTo(before);
			assertThat(shell.run("cat /tmp/state", COMMAND).output()).contains("hibernated");
		}
		assertThat(markers(this.open.root().resolve("log/qemu/hibernator.log"))).isEqualTo(1);
		domain.destroy();
	}

	/** The guest's uptime in seconds, from {@code /proc/uptime}. */
	private static double uptime(GuestConsole shell) throws Exception {
		ShellResult result = shell.run("cat /proc/uptime", COMMAND);
		assertThat(result.exitCode()).isZero();
		String line = result.output().strip();
		String first = line.substring(line.lastIndexOf('\n') + 1).strip().split("\\s+")[0];
		return Double.parseDouble(first);
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
