package io.github.qemuembed.driver.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.DomainSnapshotException;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.InvalidOperationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Layer 2: external snapshots of guest-less domains with a real qcow2 disk and real QEMU
 * (what the guest sees after a revert is proven with the test guest in the integration
 * tests).
 */
class SnapshotTests {

	@RegisterExtension
	final OpenDriver open = new OpenDriver();

	@Test
	void aDiskOnlySnapshotOfAStoppedDomainPutsAnOverlayOnItsDisk() throws Exception {
		Path image = qcow2("stopped.qcow2");
		Domain domain = this.open.driver().define(withDisk("stopped", image));
		DomainSnapshot snapshot = domain.createSnapshot(
				"<domainsnapshot><name>s1</name>" + "<description>before the upgrade</description></domainsnapshot>");
		Path overlay = image.resolveSibling("stopped.s1");
		assertThat(snapshot).isEqualTo(new DomainSnapshot("s1", Optional.of("before the upgrade"), Optional.empty(),
				"shutoff", snapshot.createdAt(), true, Optional.empty(),
				List.of(new DomainSnapshot.Disk("vda", overlay, image))));
		assertThat(qemuImg("info", overlay.toString())).contains("backing file: " + image);
		assertThat(domain.xml(false)).contains("<source file='" + overlay + "'/>").contains("type='qcow2'");
		Path metadata = this.open.root().resolve("lib/qemu/snapshot/stopped/s1.xml");
		assertThat(metadata).content()
			.startsWith("<domainsnapshot>")
			.contains("<state>shutoff</state>", "<memory snapshot='no'/>", "<disk name='vda' snapshot='external'",
					"<source file='" + overlay + "'/>", "<active>1</active>", "<description>before the upgrade");
		domain.start();
		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).contains("\"file\":\"" + overlay + "\"");
		domain.destroy();
	}

	@Test
	void anOverlayKeepsTheDisksIotuneAndItsSpelledOutChain() throws Exception {
		Path image = qcow2("tuned.qcow2");
		Domain domain = this.open.driver().define(GuestlessDomains.xml("tuned").replace("<devices>", """
				<devices>
				    <disk type='file' device='disk'>
				      <driver name='qemu' type='qcow2'/>
				      <source file='%s'/>
				      <backingStore/>
				      <target dev='vda' bus='virtio'/>
				      <iotune><total_iops_sec>1000</total_iops_sec></iotune>
				    </disk>
				""".formatted(image)));
		domain.createSnapshot("<domainsnapshot><name>s1</name></domainsnapshot>");
		Path overlay = image.resolveSibling("tuned.s1");
		String xml = domain.xml(false);
		assertThat(xml).contains("<source file='" + overlay + "'/>")
			.contains("<total_iops_sec>1000</total_iops_sec>")
			.contains("<backingStore type='file'>")
			.contains("<source file='" + image + "'/>");
		domain.start();
		// the overlay under the throttle filter, the image the XML names below it, and
		// the group's limit in place
		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).contains("\"drv\":\"throttle\"")
			.contains("\"filename\":\"" + overlay + "\"")
			.contains("\"backing-filename\":\"" + image + "\"");
		assertThat(domain.qmp("{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"throttle-virtio-disk0\","
				+ "\"property\":\"limits\"}}"))
			.contains("\"iops-total\":1000");
		domain.destroy();
	}

	@Test
	void aDiskOnlySnapshotOfARunningDomainSwitchesItsDisksLive() throws Exception {
		Path image = qcow2("live.qcow2");
		Domain domain = this.open.driver().define(withDisk("live", image));
		domain.start();
		long pid = domain.info().pid().orElseThrow();
		DomainSnapshot snapshot = domain.createSnapshot("<domainsnapshot><name>d1</name></domainsnapshot>",
				DomainSnapshot.CreateFlag.DISK_ONLY);
		assertThat(snapshot.state()).isEqualTo("disk-snapshot");
		assertThat(snapshot.isFull()).isFalse();
		Path overlay = image.resolveSibling("live.d1");
		String block = domain.qmp("{\"execute\":\"query-block\"}");
		assertThat(block).contains("\"file\":\"" + overlay + "\"").contains("\"backing_file\":\"" + image + "\"");
		assertThat(domain.status()).hasToString("running/booted");
		assertThat(domain.info().pid()).hasValue(pid);
		assertThat(domain.xml(false)).contains("<source file='" + overlay + "'/>");
		assertThat(this.open.root().resolve("etc/qemu/live.xml")).content().contains(overlay.toString());

		assertThatExceptionOfType(DomainSnapshotException.class).isThrownBy(() -> domain.revertToSnapshot("d1"))
			.withMessageContaining("cannot revert running domain 'live' to disk-only snapshot 'd1'")
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_DOMAIN_SNAPSHOT));
		domain.destroy();
		domain.revertToSnapshot("d1");
		assertThat(domain.status().isActive()).isFalse();
		String reverted = domain.xml(false);
		assertThat(reverted).doesNotContain("'" + overlay + "'").contains(image.getParent() + "/live.d1-");
		domain.start();
		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).contains("\"backing_file\":\"" + image + "\"");
		domain.destroy();
	}

	@Test
	void aLiveOverlayIsOpenedWithTheDisksCacheMode() throws Exception {
		Path image = qcow2("cached.qcow2");
		Domain domain = this.open.driver()
			.define(withDisk("cached", image).replace("<driver name='qemu' type='qcow2'/>",
					"<driver name='qemu' type='qcow2' cache='unsafe' io='threads' discard='unmap'/>"));
		domain.start();
		String unsafe = "\"cache\":{\"no-flush\":true,\"direct\":false,\"writeback\":true}";
		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).contains(unsafe);
		domain.createSnapshot("<domainsnapshot><name>c1</name></domainsnapshot>", DomainSnapshot.CreateFlag.DISK_ONLY);
		String block = domain.qmp("{\"execute\":\"query-block\"}");
		assertThat(block).contains("\"file\":\"" + image.resolveSibling("cached.c1") + "\"").contains(unsafe);
		domain.destroy();
	}

	@Test
	void aFullSnapshotComesBackRunningWithItsStateAndTheTreeSurvivesTheDriver() throws Exception {
		Path image = qcow2("full.qcow2");
		Domain domain = this.open.driver().define(withDisk("full", image));
		domain.start();
		DomainSnapshot first = domain.createSnapshot("<domainsnapshot><name>one</name></domainsnapshot>");
		assertThat(first.state()).isEqualTo("running");
		assertThat(first.memoryFile()).hasValue(this.open.root().resolve("lib/qemu/snapshot/full/one.mem"));
		assertThat(first.memoryFile().get()).isRegularFile();
		assertThat(domain.status()).hasToString("running/booted");
		DomainSnapshot second = domain.createSnapshot("<domainsnapshot><name>two</name></domainsnapshot>");
		assertThat(second.parent()).hasValue("one");

		long pid = domain.info().pid().orElseThrow();
		domain.revertToSnapshot("one");
		assertThat(domain.status()).hasToString("running/from-snapshot");
		assertThat(domain.info().pid().orElseThrow()).isNotEqualTo(pid);
		// QEMU runs on a fresh overlay of the image the snapshot kept
		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).contains("\"backing_file\":\"" + image + "\"");
		DomainSnapshot third = domain.createSnapshot("<domainsnapshot><name>three</name></domainsnapshot>",
				DomainSnapshot.CreateFlag.DISK_ONLY);
		assertThat(third.parent()).hasValue("one");

		assertThatExceptionOfType(DomainSnapshotException.class)
			.isThrownBy(() -> domain.createSnapshot("<domainsnapshot><name>two</name></domainsnapshot>"))
			.withMessageContaining("already has a snapshot named 'two'")
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.INVALID_DOMAIN_SNAPSHOT));
		assertThatExceptionOfType(DomainSnapshotException.class).isThrownBy(() -> domain.revertToSnapshot("nine"))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_DOMAIN_SNAPSHOT));
		assertThatExceptionOfType(DomainSnapshotException.class)
			.isThrownBy(() -> domain.createSnapshot("<domainsnapshot><memory snapshot='internal'/></domainsnapshot>"))
			.withMessageContaining("/domainsnapshot/memory is not supported");
		domain.destroy();
		this.open.driver().close();

		try (QemuDriver next = QemuDriver.open(GuestlessDomains.config(this.open.root()).build())) {
			Domain again = next.lookup("full");
			List<DomainSnapshot.Node> tree = again.snapshotTree();
			assertThat(tree).singleElement().satisfies((root) -> {
				assertThat(root.snapshot().name()).isEqualTo("one");
				assertThat(root.children()).extracting((n) -> n.snapshot().name())
					.containsExactlyInAnyOrder("two", "three");
			});
			assertThat(again.snapshots()).filteredOn(DomainSnapshot::current)
				.extracting(DomainSnapshot::name)
				.containsExactly("three");
			assertThat(again.snapshotXml("one")).contains("<name>one</name>", "<domain type='kvm'>",
					"<active>0</active>");

			assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(again::undefine)
				.withMessageContaining("has snapshots");
			again.deleteSnapshot("two");
			again.deleteSnapshot("one");
			assertThat(first.memoryFile().get()).doesNotExist();
			assertThat(again.snapshotTree()).singleElement()
				.satisfies((root) -> assertThat(root.snapshot().name()).isEqualTo("three"));
			assertThat(again.snapshots()).singleElement().satisfies((s) -> assertThat(s.parent()).isEmpty());
			again.deleteSnapshot("three");
			again.undefine();
		}
	}

	@Test
	void deletingAMiddleSnapshotOfAStoppedDomainMergesItAndKeepsTheOthersData() throws Exception {
		Path image = qcow2("mid.qcow2");
		Domain domain = this.open.driver().define(withDisk("mid", image));
		qemuIo(image, "write -P 0x01 0 64k");
		domain.createSnapshot("<domainsnapshot><name>s1</name></domainsnapshot>");
		qemuIo(image.resolveSibling("mid.s1"), "write -P 0x02 0 64k");
		domain.createSnapshot("<domainsnapshot><name>s2</name></domainsnapshot>");
		qemuIo(image.resolveSibling("mid.s2"), "write -P 0x03 0 64k");
		domain.createSnapshot("<domainsnapshot><name>s3</name></domainsnapshot>");
		Path active = image.resolveSibling("mid.s3");
		qemuIo(active, "write -P 0x04 0 64k");

		domain.deleteSnapshot("s2");
		assertThat(image.resolveSibling("mid.s2")).doesNotExist();
		assertThat(qemuImg("info", "-U", active.toString()))
			.contains("backing file: " + image.resolveSibling("mid.s1"));
		assertThat(domain.snapshots()).extracting(DomainSnapshot::name).containsExactly("s1", "s3");
		DomainSnapshot s3 = domain.snapshots().get(1);
		assertThat(s3.parent()).hasValue("s1");
		assertThat(s3.disks()).singleElement()
			.satisfies((d) -> assertThat(d.image()).isEqualTo(image.resolveSibling("mid.s1")));
		// what the domain writes to now, and each snapshot's content, are as they were
		qemuIo(active, "read -P 0x04 0 64k");
		domain.revertToSnapshot("s3");
		qemuIo(activeDisk(domain), "read -P 0x03 0 64k");
		domain.revertToSnapshot("s1");
		qemuIo(activeDisk(domain), "read -P 0x01 0 64k");

		// the s1 image backs the s3 branch and the fresh overlay of the revert: merging
		// s1 would change them
		assertThatExceptionOfType(DomainSnapshotException.class).isThrownBy(() -> domain.deleteSnapshot("s1"))
			.withMessageContaining("Cannot delete snapshot 's1' of domain 'mid'")
			.withMessageContaining("nothing was changed")
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.OPERATION_INVALID));
		assertThat(domain.snapshots()).hasSize(2);
		qemuIo(active, "read -P 0x04 0 64k");
		// s3's branch was left by the revert: its overlay is dropped, then s1 has nothing
		// more to merge
		domain.deleteSnapshot("s3");
		assertThat(active).doesNotExist();
		domain.deleteSnapshot("s1");
		assertThat(image.resolveSibling("mid.s1")).doesNotExist();
		qemuIo(activeDisk(domain), "read -P 0x01 0 64k");
		assertThat(domain.snapshots()).isEmpty();
	}

	@Test
	void deletingSnapshotsOfARunningDomainCommitsLiveAndKeepsItsData() throws Exception {
		Path image = qcow2("run.qcow2");
		Domain domain = this.open.driver().define(withDisk("run", image));
		domain.start();
		hmpIo(domain, "write -P 0x01 0 64k");
		domain.createSnapshot("<domainsnapshot><name>a</name></domainsnapshot>", DomainSnapshot.CreateFlag.DISK_ONLY);
		hmpIo(domain, "write -P 0x02 0 64k");
		domain.createSnapshot("<domainsnapshot><name>b</name></domainsnapshot>", DomainSnapshot.CreateFlag.DISK_ONLY);
		hmpIo(domain, "write -P 0x03 64k 64k");
		domain.createSnapshot("<domainsnapshot><name>c</name></domainsnapshot>", DomainSnapshot.CreateFlag.DISK_ONLY);
		hmpIo(domain, "write -P 0x04 0 32k");
		long pid = domain.info().pid().orElseThrow();

		// b's overlay is in the middle of the running chain: block-commit into a's
		domain.deleteSnapshot("b");
		assertThat(image.resolveSibling("run.b")).doesNotExist();
		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).doesNotContain("run.b\"")
			.contains("\"backing_file\":\"" + image.resolveSibling("run.a") + "\"");
		// c's overlay is the active layer: block-commit, then block-job-complete pivots
		// to a's overlay
		domain.deleteSnapshot("c");
		assertThat(image.resolveSibling("run.c")).doesNotExist();
		assertThat(domain.qmp("{\"execute\":\"query-block\"}"))
			.contains("\"file\":\"" + image.resolveSibling("run.a") + "\"");
		assertThat(domain.xml(false)).contains("<source file='" + image.resolveSibling("run.a") + "'/>");
		assertThat(this.open.root().resolve("etc/qemu/run.xml")).content()
			.contains(image.resolveSibling("run.a").toString());
		assertThat(domain.info().pid()).hasValue(pid);
		hmpIo(domain, "read -P 0x04 0 32k");
		hmpIo(domain, "read -P 0x02 32k 32k");
		hmpIo(domain, "read -P 0x03 64k 64k");
		domain.destroy();
		domain.revertToSnapshot("a");
		qemuIo(activeDisk(domain), "read -P 0x01 0 64k");
	}

	private Path activeDisk(Domain domain) {
		String xml = domain.xml(false);
		int at = xml.indexOf("<source file='") + "<source file='".length();
		return Path.of(xml.substring(at, xml.indexOf('\'', at)));
	}

	/**
	 * Runs a qemu-io command on an image no QEMU has open; a read with -P fails on other
	 * bytes.
	 */
	private static void qemuIo(Path file, String command) throws Exception {
		Process process = new ProcessBuilder("qemu-io", "-f", "qcow2", "-c", command, file.toString())
			.redirectErrorStream(true)
			.start();
		String out = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(out).as(command + " on " + file).doesNotContain("Pattern verification failed", "failed");
		assertThat(process.exitValue()).as(out).isZero();
	}

	/** The same through the running QEMU (HMP qemu-io on the disk's device). */
	private static void hmpIo(Domain domain, String command) {
		String out = domain.qmp("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":"
				+ "\"qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend \\\"" + command + "\\\"\"}}");
		assertThat(out).as(command).doesNotContain("Pattern verification failed", "failed", "rror");
	}

	private Path qcow2(String name) throws Exception {
		Path image = this.open.root().resolve("images").resolve(name);
		Files.createDirectories(image.getParent());
		qemuImg("create", "-q", "-f", "qcow2", image.toString(), "32M");
		return image;
	}

	private static String withDisk(String name, Path image) {
		return GuestlessDomains.xml(name).replace("<devices>", """
				<devices>
				    <disk type='file' device='disk'>
				      <driver name='qemu' type='qcow2'/>
				      <source file='%s'/>
				      <target dev='vda' bus='virtio'/>
				    </disk>
				""".formatted(image));
	}

	private static String qemuImg(String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("qemu-img"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(out).isZero();
		return out;
	}

}
