package io.github.qemuembed.it.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.qemuembed.testsupport.process.FollowedProcess;
import io.github.qemuembed.testsupport.process.QemuRoots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM reaches {@code run} at every phase, and each time the command ends with its
 * documented status (never the JVM's 143), within the shutdown timeout, and with a root
 * whose state files agree with reality: no run state, no pidfile, no QEMU.
 * <p>
 * To hit a phase for sure rather than by timing, {@code qemu-system-x86_64} on the
 * command's {@code PATH} is a stand-in script that records the phase it reached and holds
 * there while a file says so, then runs the real QEMU: while the driver opens (it probes
 * the emulator's capabilities), before QEMU is launched, and, by stopping QEMU right
 * after it created its monitor socket, while QMP connects.
 */
class RunCommandSignalIT {

	private static final Path JAR = Path.of(System.getProperty("qemu.embed.driver.jar", "missing.jar"));

	/**
	 * Bounds for waits on a phase: long only because the machine may be loaded; each ends
	 * when the command exits.
	 */
	private static final Duration PHASE = Duration.ofSeconds(60);

	private Path work;

	private Path markers;

	private Path root;

	private FollowedProcess cli;

	@BeforeEach
	void createWorkDir() throws Exception {
		assertThat(JAR).as("the driver jar, built by the reactor").isRegularFile();
		this.work = Files.createTempDirectory(Path.of("/tmp"), "qe-sig");
		this.markers = Files.createDirectory(this.work.resolve("m"));
		this.root = this.work.resolve("r");
		Path bin = Files.createDirectory(this.work.resolve("bin"));
		Path stand = bin.resolve("qemu-system-x86_64");
		Files.writeString(stand, """
				#!/bin/sh
				# stands in for qemu-system-x86_64: records the phase, holds while asked to, then runs the real one
				m=%1$s
				case " $* " in *" -pidfile "*) phase=launch ;; *) phase=probe ;; esac
				echo $$ > "$m/$phase.tmp" && mv "$m/$phase.tmp" "$m/$phase"
				while [ -e "$m/hold-$phase" ]; do sleep 0.02; done
				if [ "$phase" = launch ] && [ -e "$m/stop-at-monitor" ]; then
				  # stop QEMU between creating its monitor socket and answering on it: QMP is connecting
				  ( while ! ls %2$s/lib/qemu/*/monitor.sock >/dev/null 2>&1; do sleep 0.001; done
				    kill -STOP $$; echo $$ > "$m/connecting.tmp" && mv "$m/connecting.tmp" "$m/connecting" ) &
				fi
				exec /usr/bin/qemu-system-x86_64 "$@"
				""".formatted(this.markers, this.root));
		Files.setPosixFilePermissions(stand, PosixFilePermissions.fromString("rwxr-xr-x"));
	}

	@AfterEach
	void cleanUp() throws Exception {
		if (this.cli != null) {
			this.cli.close();
		}
		QemuRoots.cleanUp(this.work);
	}

	@Test
	void signalWhileTheDriverOpensStartsNothing() throws Exception {
		hold("probe");
		start("sig-open");
		awaitMarker("probe");
		terminate();
		release("probe");
		assertExit(0);
		assertThat(this.cli.printed("signal received before the domain started")).isTrue();
		assertThat(this.cli.printed("started (pid")).isFalse();
		assertRootConsistent("sig-open");
	}

	@Test
	void signalWhileQemuLaunchesDestroysItOnceStarted() throws Exception {
		hold("launch");
		start("sig-launch");
		awaitMarker("launch");
		terminate();
		release("launch");
		assertExit(0);
		assertThat(this.cli.printed("signal received while the domain was starting")).isTrue();
		assertThat(this.cli.printed("stopped: shutoff/destroyed")).isTrue();
		assertRootConsistent("sig-launch");
	}

	@Test
	void signalWhileQmpConnectsDestroysItOnceStarted() throws Exception {
		Files.createFile(this.markers.resolve("stop-at-monitor"));
		start("sig-qmp");
		String qemuPid = awaitMarker("connecting");
		terminate();
		new ProcessBuilder("kill", "-CONT", qemuPid).start().waitFor();
		assertExit(0);
		assertThat(this.cli.printed("signal received while the domain was starting")).isTrue();
		assertThat(this.cli.printed("stopped: shutoff/destroyed")).isTrue();
		assertRootConsistent("sig-qmp");
	}

	@Test
	void signalsDuringTheShutdownChangeNothing() throws Exception {
		// a guest-less VM ignores ACPI: the shutdown runs its whole timeout, then forces
		// it (exit status 1)
		start("sig-twice", "--shutdown-timeout", "3s");
		await().atMost(PHASE).until(() -> !this.cli.isAlive() || this.cli.printed("started (pid"));
		terminate();
		await().atMost(PHASE)
			.until(() -> !this.cli.isAlive() || this.cli.printed("signal received: shutting the guest down"));
		terminate();
		this.cli.signal("INT");
		assertExit(1);
		assertThat(this.cli.printed("stopped: shutoff/destroyed")).isTrue();
		assertThat(this.cli.lines().stream().filter((l) -> l.contains("signal received")).count()).isEqualTo(1);
		assertRootConsistent("sig-twice");
	}

	private void start(String name, String... options) throws Exception {
		Path xml = this.work.resolve(name + ".xml");
		Files.writeString(xml, """
				<domain type='kvm'>
				  <name>%s</name>
				  <memory unit='MiB'>64</memory>
				  <vcpu>1</vcpu>
				  <os><type arch='x86_64' machine='q35'>hvm</type></os>
				  <features><acpi/></features>
				</domain>
				""".formatted(name));
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString(),
						"run", "--root", this.root.toString(), "--accel", "tcg"));
		command.addAll(List.of(options));
		command.add(xml.toString());
		ProcessBuilder builder = new ProcessBuilder(command);
		Map<String, String> env = builder.environment();
		env.put("PATH", this.work.resolve("bin") + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
		this.cli = FollowedProcess.start(builder);
	}

	private void hold(String phase) throws Exception {
		Files.createFile(this.markers.resolve("hold-" + phase));
	}

	private void release(String phase) throws Exception {
		Files.delete(this.markers.resolve("hold-" + phase));
	}

	/**
	 * Waits until the stand-in reached {@code phase} (or the command ended, which fails
	 * the test with its output).
	 */
	private String awaitMarker(String phase) throws Exception {
		Path marker = this.markers.resolve(phase);
		await().atMost(PHASE).until(() -> Files.exists(marker) || !this.cli.isAlive());
		assertThat(marker).as("phase %s reached; command output:%n%s", phase, this.cli.output()).exists();
		return Files.readString(marker).strip();
	}

	private void terminate() throws Exception {
		this.cli.signal("TERM");
	}

	private void assertExit(int expected) throws Exception {
		// the shutdown timeout of these runs is at most 3 s; the rest of the bound is for
		// a loaded machine
		assertThat(this.cli.awaitExit(PHASE)).as("command ended; output:%n%s", this.cli.output()).isTrue();
		assertThat(this.cli.exitValue()).as(this.cli.output()).isEqualTo(expected);
		assertThat(this.cli.printed("Exception")).as(this.cli.output()).isFalse();
	}

	private void assertRootConsistent(String name) throws Exception {
		assertThat(QemuRoots.qemuUnder(this.root)).as("no QEMU left under the root").isEmpty();
		Path run = this.root.resolve("run/qemu");
		if (Files.isDirectory(run)) {
			try (Stream<Path> files = Files.list(run)) {
				assertThat(files.map((f) -> f.getFileName().toString())).as("run state of a stopped transient domain")
					.noneMatch((f) -> f.startsWith(name + "."));
			}
		}
		assertThat(this.root.resolve("etc/qemu/" + name + ".xml")).as("a transient domain leaves no definition")
			.doesNotExist();
	}

}
