package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.LeftoverPolicy;
import io.github.qemuembed.driver.QemuDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The driver's JVM dies (as by {@code kill -9}) at each step of a start; a driver opened
 * next on the same root finds what it left and adopts or reaps it: no QEMU of the domain
 * is left behind, no record outlives its process, and the domain starts again.
 */
class StartCrashTests {

	private Path root;

	private final UUID uuid = UUID.randomUUID();

	@BeforeEach
	void createRoot() throws Exception {
		this.root = GuestlessDomains.newRoot();
	}

	@AfterEach
	void cleanUp() throws Exception {
		// only processes that carry this test's UUID: never anything else
		qemusOfDomain().forEach((pid) -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
		GuestlessDomains.deleteTree(this.root);
	}

	/**
	 * QEMU dies with its driver (the default): whatever the step, nothing is left
	 * running.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "prepared", "log-started", "spawned", "definition-written-back", "monitor-socket",
			"run-state-written", "monitor-connected", "attached", "resumed" })
	void crashAtAnyStepLeavesNoQemuAndTheNextDriverStartsTheDomainAgain(String step) throws Exception {
		crashAt(step, true);
		await().atMost(Duration.ofSeconds(30)).until(() -> qemusOfDomain().isEmpty());
		try (QemuDriver next = QemuDriver
			.open(GuestlessDomains.config(this.root).leftovers(LeftoverPolicy.RECONNECT).build())) {
			Domain domain = next.lookup("crash");
			assertThat(domain.status().state()).isEqualTo(DomainState.SHUTOFF);
			// a record whose process is gone is removed
			assertThat(this.root.resolve("run/qemu/crash.xml")).doesNotExist();
			domain.start();
			assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
			assertThat(qemusOfDomain()).containsExactly(domain.info().pid().orElseThrow());
			domain.destroy();
		}
		assertThat(qemusOfDomain()).isEmpty();
		assertThat(this.root.resolve("run/qemu/crash.xml")).doesNotExist();
	}

	/**
	 * QEMU outlives its driver ({@code killWithOwner(false)}): from the step where its
	 * run state is written on, the next driver reconnects to it (paused until the crashed
	 * driver's {@code cont}, running after) and can stop it.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "run-state-written", "monitor-connected", "attached", "resumed" })
	void crashAfterTheRecordLeavesAQemuTheNextDriverAdopts(String step) throws Exception {
		crashAt(step, false);
		List<Long> left = qemusOfDomain();
		assertThat(left).hasSize(1);
		long pid = left.get(0);
		try (QemuDriver next = QemuDriver
			.open(GuestlessDomains.config(this.root).leftovers(LeftoverPolicy.RECONNECT).build())) {
			Domain domain = next.lookup("crash");
			assertThat(domain.info().pid()).hasValue(pid);
			assertThat(domain.status().state())
				.isEqualTo(step.equals("resumed") ? DomainState.RUNNING : DomainState.PAUSED);
			domain.destroy();
			assertThat(domain.status().state()).isEqualTo(DomainState.SHUTOFF);
		}
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(qemusOfDomain()).isEmpty();
		assertThat(this.root.resolve("run/qemu/crash.xml")).doesNotExist();
	}

	/**
	 * The same QEMU left behind is reaped by a driver whose policy is to destroy
	 * leftovers.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "run-state-written", "resumed" })
	void crashAfterTheRecordLeavesAQemuTheNextDriverReaps(String step) throws Exception {
		crashAt(step, false);
		List<Long> left = qemusOfDomain();
		assertThat(left).hasSize(1);
		try (QemuDriver next = QemuDriver
			.open(GuestlessDomains.config(this.root).leftovers(LeftoverPolicy.DESTROY).build())) {
			assertThat(qemusOfDomain()).isEmpty();
			assertThat(next.lookup("crash").status().state()).isEqualTo(DomainState.SHUTOFF);
			assertThat(this.root.resolve("run/qemu/crash.xml")).doesNotExist();
		}
	}

	private void crashAt(String step, boolean killWithOwner) throws Exception {
		Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-D" + CrashPoints.PROPERTY + "=" + step, "-cp", System.getProperty("java.class.path"),
				StartCrashMain.class.getName(), this.root.toString(), this.uuid.toString(),
				Boolean.toString(killWithOwner))
			.redirectErrorStream(true)
			.start();
		String output;
		try {
			output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			jvm.destroyForcibly();
		}
		// halted at the step, not started nor failed
		assertThat(jvm.exitValue()).as(output).isEqualTo(CrashPoints.STATUS);
		assertThat(output).doesNotContain("STARTED");
	}

	/** Live processes whose command line carries this test's domain UUID. */
	private List<Long> qemusOfDomain() {
		List<Long> pids = new ArrayList<>();
		ProcessHandle.allProcesses().filter(ProcessHandle::isAlive).forEach((process) -> {
			try {
				String cmdline = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"),
						StandardCharsets.ISO_8859_1);
				if (cmdline.contains(this.uuid.toString()) && cmdline.contains("qemu-system")) {
					pids.add(process.pid());
				}
			}
			catch (IOException ex) {
				// gone meanwhile, or not ours to read
			}
		});
		return pids;
	}

}
