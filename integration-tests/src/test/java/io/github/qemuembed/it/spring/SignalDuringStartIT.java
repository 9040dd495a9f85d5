package io.github.qemuembed.it.spring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.qemuembed.testsupport.process.FollowedProcess;
import io.github.qemuembed.testsupport.process.QemuRoots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Spring application that gets SIGTERM while its declared domain is starting: the start
 * completes, the context closes through Spring Boot's shutdown hook, the domain is
 * stopped within the shutdown timeout, and the root's state files agree with reality. The
 * configured emulator is a stand-in that holds before running the real QEMU, so the
 * signal lands during the start for sure.
 */
class SignalDuringStartIT {

	private static final Duration BOUND = Duration.ofSeconds(90);

	private Path work;

	private Path root;

	private FollowedProcess app;

	@BeforeEach
	void createWorkDir() throws Exception {
		this.work = Files.createTempDirectory(Path.of("/tmp"), "qe-sst");
		this.root = this.work.resolve("r");
	}

	@AfterEach
	void cleanUp() throws Exception {
		if (this.app != null) {
			this.app.close();
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
		this.app = FollowedProcess
			.start(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
					System.getProperty("java.class.path"), SignalDuringStartApplication.class.getName(),
					"--spring.main.web-application-type=none", "--qemu.embed.root=" + this.root,
					"--qemu.embed.emulator=" + stand, "--qemu.embed.accel=tcg", "--qemu.embed.shutdown.mode=graceful",
					"--qemu.embed.shutdown.timeout=4s", "--qemu.embed.domains.held.inline-xml=" + xml,
					"--qemu.embed.domains.held.autostart=true"));
		await().atMost(BOUND).until(() -> Files.exists(reached) || !this.app.isAlive());
		assertThat(reached).as("the domain's launch began; output:%n%s", this.app.output()).exists();
		this.app.signal("TERM");
		Files.delete(hold);
		assertThat(this.app.awaitExit(BOUND)).as("the application ended; output:%n%s", this.app.output()).isTrue();
		String log = this.app.output();
		assertThat(log).contains("Stopping 1 running domain(s) [held]");
		assertThat(log).doesNotContain("did not stop within");
		assertThat(QemuRoots.qemuUnder(this.root)).as("no QEMU left under the root").isEmpty();
		try (Stream<Path> files = Files.list(this.root.resolve("run/qemu"))) {
			assertThat(files.map((f) -> f.getFileName().toString())).noneMatch((f) -> f.startsWith("held."));
		}
		// a declared domain is persistent: its definition stays for the next start
		assertThat(this.root.resolve("etc/qemu/held.xml")).exists();
	}

}
