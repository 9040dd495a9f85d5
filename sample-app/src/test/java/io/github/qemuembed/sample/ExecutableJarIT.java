package io.github.qemuembed.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The repackaged jar as a user runs it: {@code java -jar}, real QEMU, real HTTP. It is
 * layered, it serves the probes with its VM running as its child, and SIGTERM ends it
 * with status 0 after the VM was stopped (see {@link TerminationSignal}).
 */
class ExecutableJarIT {

	private static final Path JAR = Path
		.of(System.getProperty("qemu.embed.sample.jar", "target/qemu-embed-sample-app-0.1.0-SNAPSHOT.jar"));

	@TempDir
	Path directory;

	private Process app;

	@AfterEach
	void killApp() {
		if (this.app != null && this.app.isAlive()) {
			this.app.destroyForcibly();
		}
	}

	@Test
	void jarIsExecutableAndLayered() throws IOException {
		try (JarFile jar = new JarFile(JAR.toFile())) {
			assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
				.isEqualTo("org.springframework.boot.loader.launch.JarLauncher");
			assertThat(jar.getManifest().getMainAttributes().getValue("Start-Class"))
				.isEqualTo(SampleApplication.class.getName());
			assertThat(jar.getEntry("BOOT-INF/layers.idx")).isNotNull();
		}
	}

	@Test
	void runsWithJavaJarServesProbesAndExitsZeroOnSigterm() throws Exception {
		int port = freePort();
		Path log = this.directory.resolve("app.log");
		String java = ProcessHandle.current().info().command().orElse("java");
		this.app = new ProcessBuilder(java, "-jar", JAR.toString(), "--server.port=" + port,
				"--qemu.embed.root=" + this.directory.resolve("root"))
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		Http http = new Http(port);
		await().atMost(Duration.ofSeconds(90)).until(() -> {
			assertThat(this.app.isAlive()).as("the app ended early; its log:%n%s", read(log)).isTrue();
			try {
				return http.get("/actuator/health/readiness").statusCode() == 200;
			}
			catch (UncheckedIOException ex) {
				return false; // not listening yet
			}
		});
		HttpResponse<String> liveness = http.get("/actuator/health/liveness");
		assertThat(liveness.statusCode()).isEqualTo(200);
		List<String> children = this.app.toHandle()
			.children()
			.map((child) -> child.info().command().orElse(""))
			.toList();
		assertThat(children).anyMatch((command) -> command.contains("qemu-system") || command.contains("setpriv"));

		this.app.destroy(); // SIGTERM
		assertThat(this.app.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
		assertThat(this.app.exitValue()).as("exit status; log:%n%s", read(log)).isZero();
		assertThat(read(log)).contains("Stopping 1 running domain(s) [demo]").contains("VM 'demo' stopped:");
	}

	@Test
	void sigtermDuringStartStopsTheStartingVmAndExitsZero() throws Exception {
		int port = freePort();
		Path log = this.directory.resolve("app.log");
		Path root = this.directory.resolve("root");
		String java = ProcessHandle.current().info().command().orElse("java");
		this.app = new ProcessBuilder(java, "-jar", JAR.toString(), "--server.port=" + port,
				"--qemu.embed.root=" + root)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		// the driver is open: the declared domain's start comes next
		await().atMost(Duration.ofSeconds(90)).until(() -> {
			assertThat(this.app.isAlive()).as("the app ended early; its log:%n%s", read(log)).isTrue();
			return read(log).contains("qemu-embed driver opened on root");
		});
		this.app.destroy(); // SIGTERM
		assertThat(this.app.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
		assertThat(this.app.exitValue()).as("exit status; log:%n%s", read(log)).isZero();
		// no QEMU of this root outlives the app, whether the signal came before or after
		// it started
		List<ProcessHandle> left = ProcessHandle.allProcesses()
			.filter((p) -> p.info()
				.commandLine()
				.map((c) -> c.contains("qemu-system") && c.contains(root.toString()))
				.orElse(false))
			.toList();
		assertThat(left).as("QEMU processes left; log:%n%s", read(log)).isEmpty();
	}

	private static String read(Path log) {
		try {
			return Files.readString(log, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

}
