package io.github.qemuembed.testsupport.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.qmp.QmpClient;
import io.github.qemuembed.driver.qmp.QmpClientOptions;
import io.github.qemuembed.driver.qmp.QmpEventListener;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.console.ShellResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boots the test guest with plain {@code qemu-system-x86_64} under TCG, the serial
 * console on QEMU's standard I/O and QMP on a UNIX socket. One guest serves all tests of
 * the class (TCG is CPU-heavy); the last test presses the ACPI power button and expects
 * QEMU to exit by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TestGuestBootTests {

	private TestGuest guest;

	private Path directory;

	private Process qemu;

	private GuestConsole console;

	@BeforeAll
	void boot() throws IOException {
		this.guest = TestGuest.standard();
		this.directory = Files.createTempDirectory(Path.of("/tmp"), "qe");
		List<String> command = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--", "qemu-system-x86_64",
				"-machine", "q35,accel=tcg", "-m", "128", "-nodefaults", "-no-user-config", "-display", "none",
				"-serial", "stdio", "-qmp", "unix:" + qmpSocket() + ",server=on,wait=off"));
		command.addAll(this.guest.qemuBootArguments(""));
		this.qemu = new ProcessBuilder(command).redirectError(this.directory.resolve("qemu.log").toFile()).start();
		this.console = new GuestConsole(this.qemu.getInputStream(), this.qemu.getOutputStream());
	}

	@AfterAll
	void stop() throws Exception {
		try {
			if (this.console != null) {
				this.console.close();
			}
		}
		finally {
			if (this.qemu != null) {
				this.qemu.destroyForcibly();
				this.qemu.waitFor(10, TimeUnit.SECONDS);
			}
			if (this.directory != null) {
				GuestCache.deleteRecursively(this.directory);
			}
		}
	}

	@Test
	@Order(1)
	void printsTheReadyMarkerWithinAMinute() {
		this.console.awaitText(TestGuest.READY_MARKER, Duration.ofSeconds(60));
	}

	@Test
	@Order(2)
	void runsAShellCommandOnTheSerialConsole() {
		ShellResult result = this.console.run("echo hello; uname -r", Duration.ofSeconds(20));

		assertThat(result.exitCode()).isZero();
		assertThat(result.lines()).containsExactly("hello", this.guest.kernelRelease());
	}

	@Test
	@Order(3)
	void reportsTheExitCodeOfAFailingCommand() {
		assertThat(this.console.run("false", Duration.ofSeconds(20)).exitCode()).isEqualTo(1);
	}

	@Test
	@Order(4)
	void loadedThePowerButtonAndVirtioModules() {
		ShellResult modules = this.console.run("cut -d' ' -f1 /proc/modules", Duration.ofSeconds(20));

		assertThat(modules.lines()).contains("button", "evdev", "virtio_pci", "virtio_blk", "virtio_net",
				"virtio_console", "virtio_rng");
	}

	@Test
	@Order(5)
	void powersOffByItselfOnTheAcpiPowerButton() throws Exception {
		try (QmpClient qmp = QmpClient.connect(qmpSocket(), QmpClientOptions.defaults(), QmpEventListener.NONE)) {
			qmp.execute("system_powerdown");
		}

		this.console.awaitText(TestGuest.POWEROFF_MARKER, Duration.ofSeconds(30));
		assertThat(this.qemu.waitFor(30, TimeUnit.SECONDS)).as("QEMU exited by itself; its log: %s", qemuLog())
			.isTrue();
		assertThat(this.qemu.exitValue()).isZero();
	}

	private Path qmpSocket() {
		return this.directory.resolve("qmp.sock");
	}

	private String qemuLog() {
		try {
			return Files.readString(this.directory.resolve("qemu.log"));
		}
		catch (IOException ex) {
			return "(unreadable: " + ex.getMessage() + ")";
		}
	}

}
