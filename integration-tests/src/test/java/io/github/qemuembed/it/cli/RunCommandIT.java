package io.github.qemuembed.it.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.github.qemuembed.driver.internal.fs.FileTrees;
import io.github.qemuembed.testsupport.guest.TestGuest;
import io.github.qemuembed.testsupport.process.FollowedProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code java -jar qemu-embed-driver.jar run}: the guest runs until it stops, SIGTERM
 * shuts it down gracefully (exit 0), and SIGKILL of the command leaves no QEMU behind.
 */
class RunCommandIT {

	private static final Path JAR = Path.of(System.getProperty("qemu.embed.driver.jar", "missing.jar"));

	private Path work;

	private FollowedProcess cli;

	@BeforeEach
	void createWorkDir() throws Exception {
		assertThat(JAR).as("the driver jar, built by the reactor").isRegularFile();
		this.work = Files.createTempDirectory(Path.of("/tmp"), "qe-cli");
	}

	@AfterEach
	void cleanUp() throws Exception {
		if (this.cli != null) {
			this.cli.close();
		}
		FileTrees.deleteQuietly(this.work);
	}

	@Test
	void sigtermShutsTheGuestDownGracefullyAndExitsZero() throws Exception {
		Path xml = this.work.resolve("guest.xml");
		Files.writeString(xml, TestGuest.standard().domain("cli-guest").type("qemu").toXml());
		Path root = this.work.resolve("root");
		start("run", "--root", root.toString(), "--accel", "tcg", "--shutdown-timeout", "60s", xml.toString());
		Path log = root.resolve("log/qemu/cli-guest.log");
		await().atMost(Duration.ofSeconds(90))
			.until(() -> Files.exists(log) && Files.readString(log).contains(TestGuest.READY_MARKER));
		this.cli.signal("TERM");
		assertThat(this.cli.awaitExit(Duration.ofSeconds(90))).as(this.cli.output()).isTrue();
		assertThat(this.cli.exitValue()).as(this.cli.output()).isZero();
		assertThat(this.cli.printed("stopped: shutoff/shutdown")).as(this.cli.output()).isTrue();
	}

	@Test
	void guestThatIgnoresAcpiIsForcedAndTheExitStatusSaysSo() throws Exception {
		Path xml = this.work.resolve("guestless.xml");
		Files.writeString(xml, guestless("cli-guestless"));
		start("run", "--shutdown-timeout", "1s", xml.toString());
		await().atMost(Duration.ofSeconds(30)).until(() -> this.cli.printed("started (pid"));
		this.cli.signal("INT");
		assertThat(this.cli.awaitExit(Duration.ofSeconds(60))).as(this.cli.output()).isTrue();
		assertThat(this.cli.exitValue()).as(this.cli.output()).isEqualTo(1);
		assertThat(this.cli.printed("shutoff/destroyed")).as(this.cli.output()).isTrue();
		// without --root, a temporary root was used, and it is gone
		String started = this.cli.lines().stream().filter((l) -> l.contains("started (pid")).findFirst().orElseThrow();
		Path temporaryRoot = Path.of(started.replaceAll(".*root (\\S+)\\).*", "$1"));
		assertThat(temporaryRoot.toString()).startsWith("/tmp/qemu-embed-run-");
		assertThat(temporaryRoot).doesNotExist();
		assertThat(this.cli.printed("Exception")).as(this.cli.output()).isFalse();
	}

	@Test
	void sigkillOfTheCommandLeavesNoQemuBehind() throws Exception {
		Path xml = this.work.resolve("guestless.xml");
		String uuid = UUID.randomUUID().toString();
		Files.writeString(xml, guestless("cli-orphan").replace("<name>", "<uuid>" + uuid + "</uuid><name>"));
		start("run", "--root", this.work.resolve("root").toString(), xml.toString());
		await().atMost(Duration.ofSeconds(30)).until(() -> this.cli.printed("started (pid"));
		assertThat(qemuWith(uuid)).hasSize(1);
		this.cli.signal("KILL");
		await().atMost(Duration.ofSeconds(30)).until(() -> qemuWith(uuid).isEmpty());
	}

	private void start(String... args) throws Exception {
		List<String> command = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
		command.addAll(List.of(args));
		this.cli = FollowedProcess.start(new ProcessBuilder(command));
	}

	private static List<Long> qemuWith(String uuid) throws Exception {
		try (var procs = Files.list(Path.of("/proc"))) {
			return procs.filter((p) -> p.getFileName().toString().chars().allMatch(Character::isDigit)).filter((p) -> {
				try {
					String cmdline = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
					return cmdline.contains("qemu-system") && cmdline.contains(uuid);
				}
				catch (Exception ex) {
					return false;
				}
			}).map((p) -> Long.parseLong(p.getFileName().toString())).toList();
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
