package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.error.QmpException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Layer 2: a QEMU killed by the kernel's OOM killer shows as crashed <em>with that
 * reason</em> (the memory limit), a QEMU killed by anyone else's SIGKILL does not. Real
 * QEMU in a real memory cgroup with a small limit, made to allocate beyond it from the
 * monitor (a preallocated RAM backend, as a guest touching its memory would): the OOM
 * killer of that cgroup kills it. The same while starting ({@code -mem-prealloc} of guest
 * RAM above the limit): the start fails saying so.
 * <p>
 * The cgroup is made under {@code /sys/fs/cgroup} (v1 memory controller or v2), which
 * needs root and a writable cgroup file system. The test probes that; where the host does
 * not allow it, it proves the other outcome instead: without a counter to read, a SIGKILL
 * is reported as a plain signal, never as an OOM kill. The same in a container
 * ({@code docker --memory}) is in the integration tests ({@code SampleAppContainerIT}).
 */
class OomKillTests {

	private static final long MIB = 1024 * 1024;

	/**
	 * QEMU guest-less is about 35 MiB resident; the 512 MiB backend is far above this.
	 */
	private static final long LIMIT = 160 * MIB;

	private static final String HOG = "{\"execute\":\"object-add\",\"arguments\":{\"qom-type\":\"memory-backend-ram\","
			+ "\"id\":\"hog\",\"size\":" + (512 * MIB) + ",\"prealloc\":true}}";

	private Path root;

	private Path cgroup;

	private String cgroupRefusal;

	private QemuDriver driver;

	private final List<DomainEvent> events = new CopyOnWriteArrayList<>();

	@BeforeEach
	void cgroupAndDriver() throws IOException {
		this.root = GuestlessDomains.newRoot();
		Path emulator = this.root.resolve("qemu-in-cgroup");
		try {
			this.cgroup = makeMemoryCgroup("qe-oom-" + UUID.randomUUID().toString().substring(0, 8), LIMIT);
		}
		catch (IOException ex) {
			this.cgroupRefusal = ex.toString();
		}
		// the wrapper moves itself into the cgroup and execs QEMU (the pid stays QEMU's),
		// as systemd-run
		// or a runtime would place it; the driver reads QEMU's cgroup from
		// /proc/PID/cgroup
		String move = (this.cgroup != null) ? "echo $$ > " + this.cgroup.resolve("cgroup.procs") + "\n" : "";
		Files.writeString(emulator, "#!/bin/sh\n" + move + "exec qemu-system-x86_64 \"$@\"\n");
		Files.setPosixFilePermissions(emulator, PosixFilePermissions.fromString("rwx------"));
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root).emulator(emulator).build());
		this.driver.addListener(this.events::add);
	}

	@AfterEach
	void close() throws IOException {
		try {
			if (this.driver != null) {
				this.driver.close();
			}
		}
		finally {
			GuestlessDomains.deleteTree(this.root);
			if (this.cgroup != null) {
				// empty once its QEMU is reaped; rmdir is how a cgroup is removed
				await().atMost(Duration.ofSeconds(10))
					.until(() -> Files.readString(this.cgroup.resolve("cgroup.procs")).isBlank());
				Files.delete(this.cgroup);
			}
		}
	}

	@Test
	void anOomKilledQemuIsCrashedWithTheLimitAlsoWhileStartingAndAPlainSigkillIsNot() throws Exception {
		System.out.println("OomKillTests: " + ((this.cgroup != null) ? "memory cgroup " + this.cgroup
				: "no memory cgroup could be made here (" + this.cgroupRefusal + "): checking the SIGKILL case only"));
		if (this.cgroup != null) {
			Domain hog = this.driver.define(GuestlessDomains.xml("hog"));
			hog.start();
			long pid = hog.info().pid().orElseThrow();
			assertThat(Files.readString(this.cgroup.resolve("cgroup.procs")).lines()).contains(Long.toString(pid));
			try {
				hog.qmp(HOG);
			}
			catch (QmpException ex) {
				// killed while it allocates: the reply never comes
				assertThat(ex.errorClass()).isEqualTo("Disconnected");
			}
			await().atMost(Duration.ofSeconds(60)).until(() -> hog.status().state() == DomainState.SHUTOFF);
			assertThat(hog.status()).hasToString("shutoff/crashed");
			Path limitFile = this.cgroup.resolve(v2() ? "memory.max" : "memory.limit_in_bytes");
			String expected = "killed by signal 9, OOM-killed: the memory limit of 160 MiB (" + limitFile
					+ ") was reached";
			await().untilAsserted(() -> assertThat(crashDetail("hog")).hasValueSatisfying(
					(detail) -> assertThat(detail).startsWith(expected).contains("oom_kill count went from 0 to 1")));
			assertThat(Files.readString(this.root.resolve("log/qemu/hog.log")))
				.contains("shutting down, reason=crashed, " + expected);
		}
		if (this.cgroup != null) {
			// killed while starting: QEMU preallocates its 512 MiB of RAM while it builds
			// the machine
			Domain prealloc = this.driver.define(GuestlessDomains.xml("prealloc")
				.replace("<domain type='kvm'>",
						"<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>")
				.replace("<memory unit='MiB'>64</memory>", "<memory unit='MiB'>512</memory>")
				.replace("</domain>",
						"<qemu:commandline><qemu:arg value='-mem-prealloc'/></qemu:commandline></domain>"));
			Path limitFile = this.cgroup.resolve(v2() ? "memory.max" : "memory.limit_in_bytes");
			assertThatThrownBy(prealloc::start).isInstanceOf(EmulatorException.class)
				.hasMessageStartingWith("QEMU for domain 'prealloc' was killed while starting (signal 9), OOM-killed: "
						+ "the memory limit of 160 MiB (" + limitFile + ") was reached");
			assertThat(prealloc.status()).hasToString("shutoff/failed");
		}
		// someone else's SIGKILL: crashed, and no OOM claimed (the counter did not move)
		Domain plain = this.driver.define(GuestlessDomains.xml("plain"));
		plain.start();
		ProcessHandle qemu = ProcessHandle.of(plain.info().pid().orElseThrow()).orElseThrow();
		new ProcessBuilder("kill", "-9", Long.toString(qemu.pid())).start().waitFor();
		await().atMost(Duration.ofSeconds(30)).until(() -> plain.status().state() == DomainState.SHUTOFF);
		assertThat(plain.status()).hasToString("shutoff/crashed");
		await().untilAsserted(() -> assertThat(crashDetail("plain")).hasValue("killed by signal 9"));
	}

	private Optional<String> crashDetail(String name) {
		return this.events.stream()
			.filter((event) -> event.domainName().equals(name) && event.type() == DomainEventType.CRASHED)
			.map(DomainEvent::detail)
			.findFirst();
	}

	private static boolean v2() {
		return Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"));
	}

	/**
	 * A memory cgroup with {@code limit} and no swap; IOException when the host does not
	 * allow one.
	 */
	private static Path makeMemoryCgroup(String name, long limit) throws IOException {
		Path parent = v2() ? Path.of("/sys/fs/cgroup") : Path.of("/sys/fs/cgroup/memory");
		Path dir = Files.createDirectory(parent.resolve(name));
		try {
			if (v2()) {
				if (!Files.exists(dir.resolve("memory.max"))) {
					Files.writeString(parent.resolve("cgroup.subtree_control"), "+memory");
				}
				Files.writeString(dir.resolve("memory.max"), Long.toString(limit));
				if (Files.exists(dir.resolve("memory.swap.max"))) {
					Files.writeString(dir.resolve("memory.swap.max"), "0");
				}
			}
			else {
				Files.writeString(dir.resolve("memory.limit_in_bytes"), Long.toString(limit));
				if (Files.exists(dir.resolve("memory.memsw.limit_in_bytes"))) {
					Files.writeString(dir.resolve("memory.memsw.limit_in_bytes"), Long.toString(limit));
				}
			}
			return dir;
		}
		catch (IOException ex) {
			Files.delete(dir);
			throw ex;
		}
	}

}
