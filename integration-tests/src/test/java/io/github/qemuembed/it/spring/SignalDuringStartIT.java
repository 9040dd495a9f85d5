package io.github.qemuembed.it.spring;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.qemuembed.testsupport.process.QemuRoots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring application that gets SIGTERM while its declared domain is starting: the start completes, the
 * context closes through Spring Boot's shutdown hook, the domain is stopped within the shutdown timeout, and
 * the root's state files agree with reality. The configured emulator is a stand-in that holds before
 * running the real QEMU, so the signal lands during the start for sure.
 */
class SignalDuringStartIT {

	private static final Duration BOUND = Duration.ofSeconds(90);

	private Path work;

	private Path root;

	private Process app;

	private final List<String> output = new CopyOnWriteArrayList<>();

	/** Reads the process's output to its end: joined before the output is asserted on. */
	private Thread reader;

	@BeforeEach
	void createWorkDir() throws Exception {
		this.work = Files.createTempDirectory(Path.of("/tmp"), "qe-sst");
		this.root = this.work.resolve("r");
	}

	@AfterEach
	void cleanUp() throws Exception {
		if (this.app != null) {
			this.app.destroyForcibly();
			this.app.waitFor(30, TimeUnit.SECONDS);
		}
		QemuRoots.cleanUp(this.work);
	}

	@Test
	void contextClosedWhileTheDeclaredDomainStartsStopsIt() throws Exception {
		Path hold = this.work.resolve("hold");
		Path reached = this.work.resolve("reached");
		Path stand = this.work.resolve("qemu-system-x86_64");
		Files.writeString(stand, """
				#!/bin/sh
				# the emulator as configured: holds domain launches (not capability probes) while %1$s exists
				case " $* " in *" -pidfile "*) touch %2$s; while [ -e %1$s ]; do sleep 0.02; done ;; esac
				exec /usr/bin/qemu-system-x86_64 "$@"
				""".formatted(hold, reached));
		Files.setPosixFilePermissions(stand, PosixFilePermissions.fromString("rwxr-xr-x"));
		Files.createFile(hold);
		String xml = "<domain type='qemu'><name>held</name><memory unit='MiB'>64</memory>"
				+ "<os><type arch='x86_64' machine='q35'>hvm</type></os><features><acpi/></features></domain>";
		this.app = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), SignalDuringStartApplication.class.getName(),
				"--spring.main.web-application-type=none", "--qemu.embed.root=" + this.root,
				"--qemu.embed.emulator=" + stand, "--qemu.embed.accel=tcg", "--qemu.embed.shutdown.mode=graceful",
				"--qemu.embed.shutdown.timeout=4s", "--qemu.embed.domains.held.inline-xml=" + xml,
				"--qemu.embed.domains.held.autostart=true")
			.redirectErrorStream(true)
			.start();
		follow();
		await().atMost(BOUND).until(() -> Files.exists(reached) || !this.app.isAlive());
		assertThat(reached).as("the domain's launch began; output:%n%s", String.join("\n", this.output)).exists();
		new ProcessBuilder("kill", "-TERM", Long.toString(this.app.pid())).start().waitFor();
		Files.delete(hold);
		assertThat(this.app.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS))
			.as("the application ended; output:%n%s", String.join("\n", this.output))
			.isTrue();
		this.reader.join(10_000);
		String log = String.join("\n", this.output);
		assertThat(log).contains("Stopping 1 running domain(s) [held]");
		assertThat(log).doesNotContain("did not stop within");
		assertThat(QemuRoots.qemuUnder(this.root)).as("no QEMU left under the root").isEmpty();
		try (Stream<Path> files = Files.list(this.root.resolve("run/qemu"))) {
			assertThat(files.map((f) -> f.getFileName().toString())).noneMatch((f) -> f.startsWith("held."));
		}
		// a declared domain is persistent: its definition stays for the next start
		assertThat(this.root.resolve("etc/qemu/held.xml")).exists();
	}

	private void follow() {
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(this.app.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					this.output.add(line);
				}
			}
			catch (Exception ex) {
				// the application ended
			}
		});
		reader.setDaemon(true);
		reader.start();
		this.reader = reader;
	}

}
