package io.github.qemuembed.it.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.qemuembed.testsupport.guest.TestGuest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code java -jar qemu-embed-driver.jar run}: the guest runs until it stops, SIGTERM shuts it down
 * gracefully (exit 0), and SIGKILL of the command leaves no QEMU behind.
 */
class RunCommandIT {

	private static final Path JAR = Path.of(System.getProperty("qemu.embed.driver.jar", "missing.jar"));

	private Path work;

	private Process cli;

	@BeforeEach
	void createWorkDir() throws Exception {
		assertThat(JAR).as("the driver jar, built by the reactor").isRegularFile();
		this.work = Files.createTempDirectory(Path.of("/tmp"), "qe-cli");
	}

	@AfterEach
	void cleanUp() throws Exception {
		if (this.cli != null) {
			this.cli.destroyForcibly();
		}
		try (var paths = Files.walk(this.work)) {
			paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
	}

	@Test
	void sigtermShutsTheGuestDownGracefullyAndExitsZero() throws Exception {
		Path xml = this.work.resolve("guest.xml");
		Files.writeString(xml, TestGuest.standard().domain("cli-guest").type("qemu").toXml());
		Path root = this.work.resolve("root");
		List<String> output = start("run", "--root", root.toString(), "--accel", "tcg", "--shutdown-timeout", "60s",
				xml.toString());
		Path log = root.resolve("log/qemu/cli-guest.log");
		await().atMost(Duration.ofSeconds(90))
			.until(() -> Files.exists(log) && Files.readString(log).contains(TestGuest.READY_MARKER));
		new ProcessBuilder("kill", "-TERM", Long.toString(this.cli.pid())).start().waitFor();
		assertThat(this.cli.waitFor(90, TimeUnit.SECONDS)).isTrue();
		assertThat(this.cli.exitValue()).as(String.join("\n", output)).isZero();
		assertThat(output).anyMatch((line) -> line.contains("stopped: shutoff/shutdown"));
	}

	@Test
	void guestThatIgnoresAcpiIsForcedAndTheExitStatusSaysSo() throws Exception {
		Path xml = this.work.resolve("guestless.xml");
		Files.writeString(xml, guestless("cli-guestless"));
		List<String> output = start("run", "--shutdown-timeout", "1s", xml.toString());
		await().atMost(Duration.ofSeconds(30)).until(() -> output.stream().anyMatch((l) -> l.contains("started (pid")));
		new ProcessBuilder("kill", "-INT", Long.toString(this.cli.pid())).start().waitFor();
		assertThat(this.cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(this.cli.exitValue()).as(String.join("\n", output)).isEqualTo(1);
		assertThat(output).anyMatch((line) -> line.contains("shutoff/destroyed"));
		// without --root, a temporary root was used, and it is gone
		String started = output.stream().filter((l) -> l.contains("started (pid")).findFirst().orElseThrow();
		Path temporaryRoot = Path.of(started.replaceAll(".*root (\\S+)\\).*", "$1"));
		assertThat(temporaryRoot.toString()).startsWith("/tmp/qemu-embed-run-");
		assertThat(temporaryRoot).doesNotExist();
		assertThat(output).noneMatch((line) -> line.contains("Exception"));
	}

	@Test
	void sigkillOfTheCommandLeavesNoQemuBehind() throws Exception {
		Path xml = this.work.resolve("guestless.xml");
		String uuid = UUID.randomUUID().toString();
		Files.writeString(xml, guestless("cli-orphan").replace("<name>", "<uuid>" + uuid + "</uuid><name>"));
		List<String> output = start("run", "--root", this.work.resolve("root").toString(), xml.toString());
		await().atMost(Duration.ofSeconds(30)).until(() -> output.stream().anyMatch((l) -> l.contains("started (pid")));
		assertThat(qemuWith(uuid)).hasSize(1);
		new ProcessBuilder("kill", "-KILL", Long.toString(this.cli.pid())).start().waitFor();
		await().atMost(Duration.ofSeconds(30)).until(() -> qemuWith(uuid).isEmpty());
	}

	private List<String> start(String... args) throws Exception {
		List<String> command = new java.util.ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
		command.addAll(List.of(args));
		this.cli = new ProcessBuilder(command).redirectErrorStream(true).start();
		List<String> lines = new CopyOnWriteArrayList<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader in = new BufferedReader(
					new InputStreamReader(this.cli.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = in.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (Exception ex) {
				// process ended
			}
		});
		reader.setDaemon(true);
		reader.start();
		return lines;
	}

	private static List<Long> qemuWith(String uuid) throws Exception {
		try (var procs = Files.list(Path.of("/proc"))) {
			return procs.filter((p) -> p.getFileName().toString().chars().allMatch(Character::isDigit))
				.filter((p) -> {
					try {
						String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
						return cmdline.contains("qemu-system") && cmdline.contains(uuid);
					}
					catch (Exception ex) {
						return false;
					}
				})
				.map((p) -> Long.parseLong(p.getFileName().toString()))
				.toList();
		}
	}

	private static String guestless(String name) {
		return """
				<domain type='kvm'>
				  <name>%s</name>
				  <memory unit='MiB'>64</memory>
				  <vcpu>1</vcpu>
				  <os><type arch='x86_64' machine='q35'>hvm</type></os>
				  <features><acpi/></features>
				</domain>
				""".formatted(name);
	}

}
