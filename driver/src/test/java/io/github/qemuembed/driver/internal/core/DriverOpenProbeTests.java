package io.github.qemuembed.driver.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.RootLockedException;
import io.github.qemuembed.driver.internal.capabilities.EmulatorLocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code open} probes the emulator on a thread of its own while it sets up the root, and
 * still fails when the emulator does: these emulators are broken for real (QEMU itself
 * refusing an option, a script that stops after QMP's greeting, one that never answers).
 */
class DriverOpenProbeTests {

	private Path root;

	private Path scripts;

	@BeforeEach
	void createRoot() throws Exception {
		this.root = GuestlessDomains.newRoot();
		this.scripts = GuestlessDomains.newRoot();
	}

	@AfterEach
	void deleteRoot() throws Exception {
		GuestlessDomains.deleteTree(this.root);
		GuestlessDomains.deleteTree(this.scripts);
	}

	@Test
	void qemuThatExitsDuringTheProbeFailsTheOpenWithWhatItSaidAndReleasesTheRoot() throws Exception {
		// the real QEMU, given an option it does not know: it exits at once, saying so
		Path broken = script("broken-qemu", "#!/bin/sh\nexec " + installedQemu() + " \"$@\" -no-such-option\n");
		DriverConfig config = GuestlessDomains.config(this.root).emulator(broken).build();
		assertThatExceptionOfType(EmulatorException.class).isThrownBy(() -> QemuDriver.open(config))
			.withMessageContaining(broken.toString())
			.withMessageContaining("-no-such-option")
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.OPERATION_FAILED));
		assertThat(this.root.resolve("cache/qemu/capabilities")).isEmptyDirectory();
		try (QemuDriver working = QemuDriver.open(GuestlessDomains.config(this.root).build())) {
			assertThat(working.isOpen()).isTrue();
		}
	}

	@Test
	void emulatorThatGreetsAndDiesFailsTheOpenNamingHowFarItGot() throws Exception {
		Path dying = script("dying-qemu",
				"#!/bin/sh\nprintf '{\"QMP\": {\"version\": {}, \"capabilities\": []}}\\r\\n'\n"
						+ "echo 'emulator crashed' >&2\nexit 1\n");
		DriverConfig config = GuestlessDomains.config(this.root).emulator(dying).build();
		assertThatExceptionOfType(EmulatorException.class).isThrownBy(() -> QemuDriver.open(config))
			.withMessageContaining(dying.toString())
			.withMessageContaining("closed after 0 of")
			.withMessageContaining("emulator crashed");
	}

	@Test
	@Timeout(120) // the probe would take 10 minutes: open must not wait for it
	void lockedRootIsRefusedWithoutWaitingForTheProbeWhichIsStopped() throws Exception {
		Path pidFile = this.scripts.resolve("pid");
		Path silent = silentEmulator(pidFile);
		try (QemuDriver first = QemuDriver.open(GuestlessDomains.config(this.root).build())) {
			DriverConfig config = GuestlessDomains.config(this.root)
				.emulator(silent)
				.startTimeout(Duration.ofMinutes(10))
				.build();
			assertThatExceptionOfType(RootLockedException.class).isThrownBy(() -> QemuDriver.open(config));
			assertThat(first.isOpen()).isTrue();
		}
		// the probe may have been stopped before the emulator wrote its pid; if it did,
		// it is gone
		if (Files.exists(pidFile)) {
			assertGone(pidFile);
		}
	}

	@Test
	void openInterruptedWhileTheEmulatorIsProbedStopsTheProbeAndReleasesTheRoot() throws Exception {
		Path pidFile = this.scripts.resolve("pid");
		Path silent = silentEmulator(pidFile);
		DriverConfig config = GuestlessDomains.config(this.root)
			.emulator(silent)
			.startTimeout(Duration.ofMinutes(10))
			.build();
		AtomicReference<Throwable> thrown = new AtomicReference<>();
		AtomicBoolean interruptKept = new AtomicBoolean();
		CompletableFuture<Void> done = new CompletableFuture<>();
		Thread opener = new Thread(() -> {
			try {
				QemuDriver.open(config).close();
			}
			catch (Throwable ex) {
				thrown.set(ex);
				interruptKept.set(Thread.currentThread().isInterrupted());
			}
			done.complete(null);
		});
		opener.start();
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile));
		opener.interrupt();
		done.get(30, TimeUnit.SECONDS);
		assertThat(thrown.get()).isInstanceOf(OperationInterruptedException.class)
			.hasMessageContaining("Interrupted while probing the emulator");
		assertThat(interruptKept).isTrue();
		assertGone(pidFile);
		try (QemuDriver working = QemuDriver.open(GuestlessDomains.config(this.root).build())) {
			assertThat(working.isOpen()).isTrue();
		}
	}

	@Test
	void emulatorThatNeverAnswersFailsTheOpenAtTheStartTimeoutAndIsKilled() throws Exception {
		Path pidFile = this.scripts.resolve("pid");
		Path silent = silentEmulator(pidFile);
		DriverConfig config = GuestlessDomains.config(this.root)
			.emulator(silent)
			.startTimeout(Duration.ofMillis(500))
			.build();
		assertThatExceptionOfType(EmulatorException.class).isThrownBy(() -> QemuDriver.open(config))
			.withMessageContaining(silent.toString())
			.withMessageContaining("did not answer");
		assertGone(pidFile);
	}

	private static void assertGone(Path pidFile) throws Exception {
		Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(pidFile));
		long pid = Long.parseLong(Files.readString(pidFile).strip());
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> ProcessHandle.of(pid).map((process) -> !process.isAlive()).orElse(true));
	}

	private static Path installedQemu() {
		return new EmulatorLocator().locate(Optional.empty());
	}

	/** An emulator that writes its pid and never says a word. */
	/**
	 * An emulator that never answers; its pid file appears whole or not at all (renamed
	 * into place), since the probe may be stopped at any moment, also while it writes.
	 */
	private Path silentEmulator(Path pidFile) throws Exception {
		return script("silent-qemu",
				"#!/bin/sh\necho $$ > " + pidFile + ".tmp\nmv " + pidFile + ".tmp " + pidFile + "\nexec sleep 60\n");
	}

	private Path script(String name, String text) throws Exception {
		Path script = this.scripts.resolve(name);
		Files.writeString(script, text);
		Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
		return script;
	}

}
