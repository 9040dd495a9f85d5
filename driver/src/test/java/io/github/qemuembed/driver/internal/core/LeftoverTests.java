package io.github.qemuembed.driver.internal.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.LeftoverPolicy;
import io.github.qemuembed.driver.QemuDriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** VMs that outlive a driver: detached on purpose, or orphaned by a killed JVM. */
class LeftoverTests {

	private Path root;

	private final List<Long> pidsToKill = new ArrayList<>();

	@BeforeEach
	void createRoot() throws Exception {
		this.root = GuestlessDomains.newRoot();
	}

	@AfterEach
	void cleanUp() throws Exception {
		for (long pid : this.pidsToKill) {
			ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
		}
		GuestlessDomains.deleteTree(this.root);
	}

	@Test
	void detachedVmIsReconnectedByTheNextDriver() {
		long pid;
		try (QemuDriver first = QemuDriver.open(GuestlessDomains.config(this.root).killWithOwner(false).build())) {
			Domain domain = first.define(GuestlessDomains.xml("keeper"));
			domain.start();
			pid = domain.info().pid().orElseThrow();
			this.pidsToKill.add(pid);
		}
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
		try (QemuDriver second = QemuDriver
			.open(GuestlessDomains.config(this.root).leftovers(LeftoverPolicy.RECONNECT).build())) {
			Domain domain = second.lookup("keeper");
			assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
			assertThat(domain.info().pid()).hasValue(pid);
			assertThat(domain.qmp("{\"execute\":\"query-status\"}")).contains("running");
			domain.suspend();
			assertThat(domain.status()).hasToString("paused/user");
			domain.destroy();
			assertThat(domain.status()).hasToString("shutoff/destroyed");
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).isEmpty());
	}

	@Test
	void leftoverIsDestroyedWhenThePolicySaysSo() {
		long pid;
		try (QemuDriver first = QemuDriver.open(GuestlessDomains.config(this.root).killWithOwner(false).build())) {
			Domain domain = first.define(GuestlessDomains.xml("goner"));
			domain.start();
			pid = domain.info().pid().orElseThrow();
			this.pidsToKill.add(pid);
		}
		try (QemuDriver second = QemuDriver
			.open(GuestlessDomains.config(this.root).leftovers(LeftoverPolicy.DESTROY).build())) {
			await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).isEmpty());
			assertThat(second.lookup("goner").status().state()).isEqualTo(DomainState.SHUTOFF);
			assertThat(this.root.resolve("run/qemu/goner.xml")).doesNotExist();
		}
	}

	@Test
	void recordWhoseProcessIsNotTheRecordedOneIsNeverKilled() throws Exception {
		Path recorded;
		String record;
		long qemuPid;
		try (QemuDriver first = QemuDriver.open(GuestlessDomains.config(this.root).killWithOwner(false).build())) {
			Domain domain = first.define(GuestlessDomains.xml("stale"));
			domain.start();
			qemuPid = domain.info().pid().orElseThrow();
			recorded = this.root.resolve("run/qemu/stale.xml");
			record = Files.readString(recorded);
			domain.destroy();
		}
		// the record comes back, now naming a live process that is not QEMU (as after a
		// reboot and pid reuse)
		Process innocent = new ProcessBuilder("sleep", "60").start();
		this.pidsToKill.add(innocent.pid());
		RunStateStore store = new RunStateStore(RootLayout.of(this.root));
		Files.writeString(recorded, record.replaceFirst("<pid>\\d+</pid>", "<pid>" + innocent.pid() + "</pid>"));
		assertThat(store.read(recorded).pid()).isEqualTo(innocent.pid());
		try (QemuDriver second = QemuDriver
			.open(GuestlessDomains.config(this.root).leftovers(LeftoverPolicy.DESTROY).build())) {
			assertThat(innocent.isAlive()).isTrue();
			assertThat(recorded).doesNotExist();
		}
		assertThat(qemuPid).isNotEqualTo(innocent.pid());
	}

	@Test
	void killingTheOwningJvmWithSigkillLeavesNoQemuBehind() throws Exception {
		Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), OrphanCheckMain.class.getName(), this.root.toString(), "3")
			.redirectErrorStream(true)
			.start();
		List<Long> pids = new ArrayList<>();
		try {
			BufferedReader out = new BufferedReader(
					new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
			String line;
			while ((line = out.readLine()) != null && !line.equals("READY")) {
				if (line.startsWith("PID ")) {
					pids.add(Long.parseLong(line.substring(4).trim()));
				}
			}
			assertThat(pids).hasSize(3);
			this.pidsToKill.addAll(pids);
			for (long pid : pids) {
				assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
			}
			new ProcessBuilder("kill", "-9", Long.toString(jvm.pid())).start().waitFor(10, TimeUnit.SECONDS);
			assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();
			for (long pid : pids) {
				await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(pid).isEmpty());
			}
		}
		finally {
			jvm.destroyForcibly();
		}
	}

}
