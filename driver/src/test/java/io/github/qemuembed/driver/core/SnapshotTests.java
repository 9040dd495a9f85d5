package io.github.qemuembed.driver.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.DomainSnapshotException;
import io.github.qemuembed.driver.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Layer 2: external snapshots of guest-less domains with a real qcow2 disk and real QEMU (what the
 * guest sees after a revert is proven with the test guest in the integration tests).
 */
class SnapshotTests {

	@RegisterExtension
	final OpenDriver open = new OpenDriver();

	@Test
	void aDiskOnlySnapshotOfAStoppedDomainPutsAnOverlayOnItsDisk() throws Exception {
		Path image = qcow2("stopped.qcow2");
		Domain domain = this.open.driver().define(withDisk("stopped", image));
		DomainSnapshot snapshot = domain.createSnapshot("<domainsnapshot><name>s1</name>"
				+ "<description>before the upgrade</description></domainsnapshot>");
		Path overlay = image.resolveSibling("stopped.s1");
		assertThat(snapshot).isEqualTo(new DomainSnapshot("s1", java.util.Optional.of("before the upgrade"),
				java.util.Optional.empty(), "shutoff", snapshot.createdAt(), true, java.util.Optional.empty(),
				List.of(new DomainSnapshot.Disk("vda", overlay, image))));
		assertThat(qemuImg("info", overlay.toString())).contains("backing file: " + image);
		assertThat(domain.xml(false)).contains("<source file='" + overlay + "'/>").contains("type='qcow2'");
		Path metadata = this.open.root().resolve("lib/qemu/snapshot/stopped/s1.xml");
		assertThat(metadata).content().startsWith("<domainsnapshot>")
			.contains("<state>shutoff</state>", "<memory snapshot='no'/>", "<disk name='vda' snapshot='external'",
					"<source file='" + overlay + "'/>", "<active>1</active>", "<description>before the upgrade");
		domain.start();
		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).contains("\"file\":\"" + overlay + "\"");
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
				assertThat(root.children()).extracting((n) -> n.snapshot().name()).containsExactlyInAnyOrder("two", "three");
			});
			assertThat(again.snapshots()).filteredOn(DomainSnapshot::current).extracting(DomainSnapshot::name)
				.containsExactly("three");
			assertThat(again.snapshotXml("one")).contains("<name>one</name>", "<domain type='kvm'>", "<active>0</active>");

			assertThatExceptionOfType(io.github.qemuembed.driver.error.InvalidOperationException.class)
				.isThrownBy(again::undefine)
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
		List<String> command = new java.util.ArrayList<>(List.of("qemu-img"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(out).isZero();
		return out;
	}

}
