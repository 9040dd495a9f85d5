package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.BlockStats;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.DomainExistsException;
import io.github.qemuembed.driver.error.DomainNotFoundException;
import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.error.QmpException;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/** Layer 2: the lifecycle of guest-less domains on real QEMU. */
class DriverLifecycleTests {

	@RegisterExtension
	final OpenDriver open = new OpenDriver();

	@Test
	void defineWritesThePersistentDefinitionAndLookupsFindIt() {
		UUID uuid = UUID.randomUUID();
		Domain domain = this.open.driver().define(GuestlessDomains.xml("alpha", uuid));
		assertThat(this.open.root().resolve("etc/qemu/alpha.xml")).isRegularFile()
			.content()
			.contains("<name>alpha</name>");
		assertThat(this.open.driver().lookup("alpha").uuid()).isEqualTo(uuid);
		assertThat(this.open.driver().lookup(uuid).name()).isEqualTo("alpha");
		assertThat(domain.isPersistent()).isTrue();
		assertThat(domain.status()).hasToString("shutoff/unknown");
		assertThat(this.open.driver().list(DomainListFilter.INACTIVE)).containsExactly(domain);
		assertThat(this.open.driver().list(DomainListFilter.ACTIVE)).isEmpty();
		assertThat(this.open.driver().find("beta")).isEmpty();
		assertThatExceptionOfType(DomainNotFoundException.class).isThrownBy(() -> this.open.driver().lookup("beta"))
			.withMessageContaining("'beta'");
	}

	@Test
	void xmlShowsSecretsOnlyWithSecureAccess() {
		AtomicBoolean secureAllowed = new AtomicBoolean();
		Path otherRoot = this.open.root().resolveSibling(this.open.root().getFileName() + "-secure");
		try (QemuDriver guarded = QemuDriver.open(DriverConfig.builder(otherRoot)
			.accessPolicy((request) -> request.permission() != Permission.DOMAIN_READ_SECURE || secureAllowed.get())
			.build())) {
			Domain domain = guarded.define(GuestlessDomains.xml("vnc")
				.replace("<devices>",
						"<devices><graphics type='vnc' port='5999' autoport='no' listen='127.0.0.1' passwd='s3cr3tpw'/>"));
			assertThat(domain.xml(false)).contains("<graphics").doesNotContain("s3cr3tpw");
			assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(() -> domain.xml(true))
				.withMessageContaining("domain.read_secure")
				.withMessageNotContaining("s3cr3tpw");
			secureAllowed.set(true);
			assertThat(domain.xml(true)).contains("s3cr3tpw");
		}
		finally {
			try {
				GuestlessDomains.deleteTree(otherRoot);
			}
			catch (IOException ex) {
				// temp dir
			}
		}
	}

	@Test
	void sameNameWithAnotherUuidIsRefusedAndNothingChanges() throws Exception {
		this.open.driver().define(GuestlessDomains.xml("alpha"));
		String before = Files.readString(this.open.root().resolve("etc/qemu/alpha.xml"));
		assertThatExceptionOfType(DomainExistsException.class)
			.isThrownBy(() -> this.open.driver().define(GuestlessDomains.xml("alpha")))
			.withMessageContaining("already exists with UUID");
		assertThat(this.open.root().resolve("etc/qemu/alpha.xml")).hasContent(before);
	}

	/**
	 * A start leaves a spare wrapper (a Perl child of this JVM waiting on its stdin) for
	 * the next: the next start's QEMU is that very process, with its pidfile and its own
	 * group; closing the driver ends the spare the second start left.
	 */
	@Test
	void theNextStartRunsInTheSpareTheLastOneLeft() throws Exception {
		Set<Long> before = spareWrappers();
		this.open.driver().define(GuestlessDomains.xml("alpha")).start();
		long spare = await().atMost(Duration.ofSeconds(30))
			.until(() -> newSpares(before), (spares) -> spares.size() == 1)
			.iterator()
			.next();
		Domain beta = this.open.driver().define(GuestlessDomains.xml("beta"));
		beta.start();
		assertThat(beta.status()).hasToString("running/booted");
		long pid = beta.info().pid().orElseThrow();
		assertThat(pid).isEqualTo(spare);
		assertThat(this.open.root().resolve("run/qemu/beta.pid")).hasContent(Long.toString(pid));
		String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		assertThat(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[2]).as("process group")
			.isEqualTo(Long.toString(pid));
		Set<Long> next = await().atMost(Duration.ofSeconds(30))
			.until(() -> newSpares(before), (spares) -> spares.size() == 1 && !spares.contains(spare));
		this.open.driver().close();
		ProcessHandle.of(next.iterator().next()).ifPresent((left) -> left.onExit().join());
		assertThat(newSpares(before)).isEmpty();
	}

	private static Set<Long> newSpares(Set<Long> before) {
		Set<Long> spares = spareWrappers();
		spares.removeAll(before);
		return spares;
	}

	/** This JVM's children that are spare wrappers (their Perl program reads stdin). */
	private static Set<Long> spareWrappers() {
		return ProcessHandle.current()
			.children()
			.filter((child) -> child.info().commandLine().orElse("").contains("<STDIN>"))
			.map(ProcessHandle::pid)
			.collect(Collectors.toCollection(HashSet::new));
	}

	@Test
	void startRunsQemuAndDestroyStopsItAndCleansUp() throws Exception {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("alpha"));
		domain.start();
		assertThat(domain.status()).hasToString("running/booted");
		DomainInfo info = domain.info();
		long pid = info.pid().orElseThrow();
		assertThat(ProcessHandle.of(pid)).isPresent();
		assertThat(info.vcpus()).isEqualTo(1);
		assertThat(info.maxMemoryKiB()).isEqualTo(64 * 1024);
		assertThat(this.open.root().resolve("run/qemu/alpha.xml")).isRegularFile();
		// QEMU leads a process group of its own (not the JVM's): a Ctrl-C in the
		// application's terminal, sent to the foreground group, does not reach it
		String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		String self = Files.readString(Path.of("/proc/self/stat"));
		String[] own = self.substring(self.lastIndexOf(')') + 2).split(" ");
		assertThat(fields[2]).as("process group").isEqualTo(Long.toString(pid)).isNotEqualTo(own[2]);
		assertThat(this.open.root().resolve("run/qemu/alpha.pid")).hasContent(Long.toString(pid));
		assertThat(this.open.root().resolve("log/qemu/alpha.log")).content()
			.contains("qemu-system-x86_64")
			.contains("-S");
		assertThat(this.open.driver().list(DomainListFilter.ACTIVE)).containsExactly(domain);
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(domain::start)
			.withMessageContaining("already running");

		domain.destroy();
		assertThat(domain.status()).hasToString("shutoff/destroyed");
		assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
		assertThat(this.open.root().resolve("run/qemu/alpha.xml")).doesNotExist();
		try (var dirs = Files.list(this.open.root().resolve("lib/qemu"))) {
			assertThat(dirs).isEmpty();
		}
		await().untilAsserted(() -> assertThat(this.open.events()).extracting(DomainEvent::type)
			.containsSubsequence(DomainEventType.DEFINED, DomainEventType.STARTED, DomainEventType.STOPPED));
	}

	@Test
	void addressesAndMachineAreAssignedAtDefineAndKeptAcrossStarts() throws Exception {
		Domain domain = this.open.driver()
			.define(GuestlessDomains.xml("alpha")
				.replace("<devices>", "<devices><interface type='user'><model type='virtio'/></interface>"));
		// as libvirt stores a definition: the machine type pinned, PCI addresses and the
		// controllers they need
		Path file = this.open.root().resolve("etc/qemu/alpha.xml");
		String defined = Files.readString(file);
		assertThat(defined).containsPattern("<address type=[\"']pci[\"']")
			.containsPattern("machine=[\"']pc-q35-")
			.contains("pcie-root-port");
		assertThat(domain.xml(false)).containsPattern("machine=[\"']pc-q35-");
		Object written = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
		domain.start();
		domain.destroy();
		domain.start();
		// the starts had nothing to add: the file was not rewritten (each write renames a
		// new one in)
		assertThat(file).hasContent(defined);
		assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).isEqualTo(written);
		assertThat(domain.qmp("{\"execute\":\"query-pci\"}")).contains("\"class_info\"");
		domain.destroy();
	}

	@Test
	void domainTypeQemuRunsUnderTcgAndTypeKvmUnderTheDriversAccelerator() {
		Domain emulated = this.open.driver()
			.define(GuestlessDomains.xml("emulated").replace("type='kvm'", "type='qemu'"));
		emulated.start();
		assertThat(emulated.qmp("{\"execute\":\"query-kvm\"}")).contains("\"enabled\":false");
		emulated.destroy();
		Domain accelerated = this.open.driver().define(GuestlessDomains.xml("accelerated"));
		accelerated.start();
		boolean kvm = this.open.driver().emulator().accel() == Accel.KVM;
		assertThat(accelerated.qmp("{\"execute\":\"query-kvm\"}")).contains("\"enabled\":" + kvm);
		accelerated.destroy();
	}

	@Test
	void blockStatsNameDisksByTheirTargetAndCountTheFirmwaresReads() throws Exception {
		Path vda = Files.createFile(this.open.root().resolve("vda.raw"));
		Path sda = Files.createFile(this.open.root().resolve("sda.raw"));
		try (var file = new RandomAccessFile(vda.toFile(), "rw");
				var other = new RandomAccessFile(sda.toFile(), "rw")) {
			file.setLength(1024 * 1024);
			other.setLength(1024 * 1024);
		}
		Domain domain = this.open.driver()
			.define(GuestlessDomains.xml("disks")
				.replace("<devices>",
						"<devices>" + "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='"
								+ vda + "'/>" + "<target dev='vda' bus='virtio'/><boot order='1'/></disk>"
								+ "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='" + sda
								+ "'/>" + "<target dev='sda' bus='sata'/></disk>"));
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(domain::blockStats);
		domain.start();
		assertThat(domain.blockStats()).extracting(BlockStats::target).containsExactlyInAnyOrder("vda", "sda");
		// SeaBIOS reads the boot sector of the boot disk
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(domain.blockStats()).filteredOn((s) -> s.target().equals("vda"))
				.singleElement()
				.satisfies((s) -> assertThat(s.readOps()).isPositive()));
		domain.destroy();
	}

	@Test
	void suspendResumeResetAndQmpPassthrough() {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("alpha"));
		domain.start();
		domain.suspend();
		assertThat(domain.status()).hasToString("paused/user");
		assertThat(domain.qmp("{\"execute\":\"query-status\"}")).contains("\"running\":false");
		assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(domain::suspend);
		domain.resume();
		assertThat(domain.status()).hasToString("running/unpaused");
		assertThat(domain.qmp("{\"execute\":\"query-status\"}")).contains("\"running\":true");
		domain.reset();
		assertThatExceptionOfType(QmpException.class).isThrownBy(() -> domain.qmp("{\"execute\":\"no-such-command\"}"))
			.satisfies((ex) -> assertThat(ex.errorClass()).isEqualTo("CommandNotFound"));
		await().untilAsserted(() -> assertThat(this.open.events()).extracting(DomainEvent::type)
			.contains(DomainEventType.SUSPENDED, DomainEventType.RESUMED, DomainEventType.REBOOTED));
		domain.destroy();
	}

	/**
	 * The RESUME of the driver's own {@code cont} (start, resume) is taken off on the QMP
	 * thread and reported once, by the operation; a {@code cont} sent as raw QMP is still
	 * reported as a resume, after its pause.
	 */
	@Test
	void ownResumesAreReportedOnceAndARawContAsAResume() {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("alpha"));
		domain.start();
		domain.suspend();
		domain.resume();
		domain.qmp("{\"execute\":\"stop\"}");
		await().until(() -> domain.status().toString().equals("paused/unknown"));
		domain.qmp("{\"execute\":\"cont\"}");
		await().until(() -> domain.status().toString().equals("running/unpaused"));
		await().until(() -> this.open.events()
			.stream()
			.filter((event) -> event.type() == DomainEventType.RESUMED)
			.count() == 2);
		assertThat(this.open.events()).extracting(DomainEvent::type)
			.filteredOn((type) -> type == DomainEventType.SUSPENDED || type == DomainEventType.RESUMED)
			.containsExactly(DomainEventType.SUSPENDED, DomainEventType.RESUMED, DomainEventType.SUSPENDED,
					DomainEventType.RESUMED);
		domain.destroy();
	}

	@Test
	void qemuKilledUnderUsIsACrash() {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("alpha"));
		domain.start();
		long pid = domain.info().pid().orElseThrow();
		ProcessHandle.of(pid).orElseThrow().destroyForcibly();
		await().atMost(Duration.ofSeconds(30)).until(() -> domain.status().state() == DomainState.SHUTOFF);
		assertThat(domain.status().reason()).isEqualTo(StateReason.SHUTOFF_CRASHED);
		await().untilAsserted(
				() -> assertThat(this.open.events()).extracting(DomainEvent::type).contains(DomainEventType.CRASHED));
		assertThat(this.open.root().resolve("run/qemu/alpha.xml")).doesNotExist();
		// and it can start again
		domain.start();
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
		domain.destroy();
	}

	@Test
	void shutdownOfAGuestThatIgnoresAcpiIsForcedAfterTheTimeout() {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("alpha"));
		domain.start();
		// firmware alone does not act on the power button
		assertThat(domain.shutdown(Duration.ofMillis(500))).isFalse();
		assertThat(domain.status()).hasToString("shutoff/destroyed");
	}

	@Test
	void transientDomainIsForgottenWhenItStops() {
		Domain domain = this.open.driver().createTransient(GuestlessDomains.xml("temp"));
		assertThat(domain.isPersistent()).isFalse();
		assertThat(this.open.root().resolve("etc/qemu/temp.xml")).doesNotExist();
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
		domain.destroy();
		assertThat(this.open.driver().find("temp")).isEmpty();
		assertThatExceptionOfType(DomainNotFoundException.class).isThrownBy(domain::status);
	}

	@Test
	void undefineOfARunningDomainMakesItTransient() {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("alpha"));
		domain.start();
		domain.undefine();
		assertThat(this.open.root().resolve("etc/qemu/alpha.xml")).doesNotExist();
		assertThat(domain.isPersistent()).isFalse();
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
		domain.destroy();
		assertThat(this.open.driver().find("alpha")).isEmpty();
	}

	@Test
	void listenerThatThrowsDoesNotHurtTheDriverOrOtherListeners() {
		this.open.driver().addListener((event) -> {
			throw new IllegalStateException("listener bug");
		});
		Domain domain = this.open.driver().define(GuestlessDomains.xml("alpha"));
		domain.start();
		domain.destroy();
		await().untilAsserted(
				() -> assertThat(this.open.events()).extracting(DomainEvent::type).contains(DomainEventType.STOPPED));
	}

	@Test
	void startFailureReportsQemusOwnMessageAndLeavesNoRun() {
		String xml = GuestlessDomains.xml("broken")
			.replace("<devices>", "<devices>\n<emulator>/usr/bin/qemu-system-x86_64</emulator>")
			.replace("</domain>", "<qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"
					+ "<qemu:arg value='-device'/><qemu:arg value='no-such-device-type'/></qemu:commandline></domain>");
		Domain domain = this.open.driver().define(xml);
		assertThatExceptionOfType(EmulatorException.class).isThrownBy(domain::start)
			.withMessageContaining("no-such-device-type");
		assertThat(domain.status()).hasToString("shutoff/failed");
		assertThat(this.open.root().resolve("run/qemu/broken.xml")).doesNotExist();
	}

	/**
	 * QEMU fails on a disk only after it made its monitor socket, and deletes its pidfile
	 * as it quits: whichever step of the start notices first, the message is QEMU's own.
	 */
	@RepeatedTest(10)
	void diskQemuCannotOpenIsReportedWithQemusMessageWheneverTheStartNoticesIt() {
		Path missing = this.open.root().resolve("missing.img");
		String xml = GuestlessDomains.xml("nodisk")
			.replace("<devices>", "<devices><disk type='file' device='disk'><source file='" + missing
					+ "'/><target dev='vda' bus='virtio'/></disk>");
		Domain domain = this.open.driver().define(xml);
		assertThatExceptionOfType(EmulatorException.class).isThrownBy(domain::start)
			.withMessageContaining(missing.toString());
		assertThat(domain.status().state()).isEqualTo(DomainState.SHUTOFF);
	}

	@Test
	void aLeftoverPrivateDirectoryWithTheRunsIdIsClearedNotFollowed() throws Exception {
		// what a crashed driver of the same root may leave: the run's own directory, with
		// a file and a link to elsewhere (removed, never followed)
		Path elsewhere = Files.createDirectories(this.open.root().resolve("elsewhere"));
		Files.writeString(elsewhere.resolve("keep"), "kept");
		for (int id = 1; id <= 4; id++) {
			Path leftover = Files.createDirectories(this.open.root().resolve("lib/qemu/domain-" + id + "-gamma"));
			Files.writeString(leftover.resolve("stale"), "left by a crashed driver");
			Files.createSymbolicLink(leftover.resolve("link"), elsewhere);
		}
		Domain domain = this.open.driver().define(GuestlessDomains.xml("gamma"));
		domain.start();
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
		Path privateDir;
		try (var dirs = Files.list(this.open.root().resolve("lib/qemu"))) {
			privateDir = dirs.filter((dir) -> Files.exists(dir.resolve("monitor.sock"))).findFirst().orElseThrow();
		}
		assertThat(privateDir.resolve("stale")).doesNotExist();
		assertThat(privateDir.resolve("link")).doesNotExist();
		assertThat(elsewhere.resolve("keep")).hasContent("kept");
		domain.destroy();
	}

	@Test
	void aStartRemakesTheDirectoryOfPrivateDirectoriesWhenItWasRemoved() throws Exception {
		Domain domain = this.open.driver().define(GuestlessDomains.xml("delta"));
		GuestlessDomains.deleteTree(this.open.root().resolve("lib/qemu"));
		domain.start();
		assertThat(domain.status().state()).isEqualTo(DomainState.RUNNING);
		try (var dirs = Files.list(this.open.root().resolve("lib/qemu"))) {
			assertThat(dirs.filter((dir) -> Files.exists(dir.resolve("monitor.sock")))).hasSize(1);
		}
		domain.destroy();
	}

	@Test
	void aDefinitionStoredWithoutAddressesIsCompletedByItsFirstStartOnly() throws Exception {
		// as an earlier release stored it: the machine type as given, no addresses
		Path otherRoot = this.open.root().resolveSibling(this.open.root().getFileName() + "-older");
		Path file = otherRoot.resolve("etc/qemu/epsilon.xml");
		Files.createDirectories(file.getParent());
		Files.writeString(file, GuestlessDomains.xml("epsilon"));
		try (QemuDriver driver = QemuDriver.open(GuestlessDomains.config(otherRoot).build())) {
			Domain domain = driver.lookup("epsilon");
			assertThat(domain.xml(false)).contains("machine='q35'");
			domain.start();
			domain.destroy();
			// as libvirt: the machine type pinned and the controllers added are kept
			assertThat(file).content().contains("machine='pc-q35-").contains("pcie-root");
			Object written = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
			domain.start();
			domain.destroy();
			// nothing changed: the file was not rewritten
			assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).isEqualTo(written);
		}
		finally {
			GuestlessDomains.deleteTree(otherRoot);
		}
	}

}
