package io.github.qemuembed.it.driver;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.agent.FsFreezeState;
import io.github.qemuembed.driver.agent.GuestExec;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.console.ShellResult;
import io.github.qemuembed.testsupport.guest.TestGuest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layer 3: a real Linux guest (TCG) reverted to a full snapshot forgets what it did
 * afterwards: a file written in its RAM and bytes written to its disk are gone, and its
 * shell answers.
 */
class SnapshotIT {

	private static final Duration BOOT = Duration.ofSeconds(90);

	private static final Duration COMMAND = Duration.ofSeconds(30);

	@RegisterExtension
	final OpenDriver open = new OpenDriver(Accel.TCG);

	@Test
	void whatTheGuestWroteAfterTheSnapshotIsGoneAfterTheRevert() throws Exception {
		Path disk = this.open.root().resolve("data.img");
		Files.write(disk, new byte[8 << 20]);
		Domain domain = this.open.driver().define(TestGuest.standard().domain("snappy").type("qemu").device("""
				<disk type='file' device='disk'>
				  <driver name='qemu' type='raw'/>
				  <source file='%s'/>
				  <target dev='vda' bus='virtio'/>
				</disk>""".formatted(disk)).toXml());
		domain.start();
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.awaitText(TestGuest.READY_MARKER, BOOT);
			assertThat(run(shell, "echo before > /tmp/kept")).isEmpty();
		}
		DomainSnapshot clean = domain.createSnapshot("<domainsnapshot><name>clean</name></domainsnapshot>");
		assertThat(clean.isFull()).isTrue();
		assertThat(clean.disks()).singleElement().satisfies((d) -> assertThat(d.image()).isEqualTo(disk));

		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			run(shell, "echo after > /tmp/written-later");
			run(shell, "printf written-later | dd of=/dev/vda conv=fsync 2>/dev/null; sync");
			assertThat(run(shell, "dd if=/dev/vda bs=13 count=1 2>/dev/null")).contains("written-later");
		}

		domain.revertToSnapshot("clean");
		assertThat(domain.status()).hasToString("running/from-snapshot");
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			assertThat(run(shell, "ls /tmp")).contains("kept").doesNotContain("written-later");
			assertThat(run(shell, "cat /tmp/kept")).contains("before");
			// the guest's page cache came back with its memory: drop it and read the
			// device itself
			assertThat(
					run(shell,
							"echo 3 > /proc/sys/vm/drop_caches; dd if=/dev/vda bs=13 count=1 2>/dev/null"
									+ " | od -c | head -1"))
				.contains("0000000  \\0  \\0  \\0")
				.doesNotContain("w   r   i   t");
		}
		// the image the snapshot kept was never written
		assertThat(Files.readAllBytes(disk)).containsOnly(0);
		domain.destroy();
	}

	@Test
	void aQuiescedSnapshotHoldsWhatTheGuestHadNotWrittenBackYet() throws Exception {
		// ext2 on a disk (the initramfs' ramfs cannot be frozen); the guest agent freezes
		// it for the snapshot
		TestGuest guest = TestGuest.builder().guestAgent().initCommands("""
				for i in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; usleep 100000; done
				mke2fs -q /dev/vda && mount /dev/vda /mnt
				""").build();
		Path disk = this.open.root().resolve("quiet.raw");
		try (var file = new RandomAccessFile(disk.toFile(), "rw")) {
			file.setLength(16 * 1024 * 1024);
		}
		Domain domain = this.open.driver()
			.define(guest.domain("quiet")
				.memoryMiB(256)
				.guestAgentChannel()
				.device("<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='" + disk
						+ "'/><target dev='vda' bus='virtio'/></disk>")
				.toXml());
		domain.start();
		domain.guest().awaitReady(BOOT);
		// written, not synced: it sits in the guest's page cache (written back after 30 s
		// by default)
		assertThat(domain.guest().exec(GuestExec.of("/bin/sh", "-c", "echo quiesced-content > /mnt/note")).succeeded())
			.isTrue();
		DomainSnapshot snapshot = domain.createSnapshot("<domainsnapshot><name>quiet</name></domainsnapshot>",
				DomainSnapshot.CreateFlag.DISK_ONLY, DomainSnapshot.CreateFlag.QUIESCE);
		assertThat(snapshot.state()).isEqualTo("disk-snapshot");
		assertThat(domain.guest().fsFreezeState()).isEqualTo(FsFreezeState.THAWED);
		// the freeze flushed the file system: the image the snapshot keeps (no longer
		// written) has the file
		Process debugfs = new ProcessBuilder("debugfs", "-R", "cat /note", disk.toString()).redirectErrorStream(true)
			.start();
		String content = new String(debugfs.getInputStream().readAllBytes());
		assertThat(debugfs.waitFor()).isZero();
		assertThat(content).contains("quiesced-content");
		domain.destroy();
	}

	private static String run(GuestConsole shell, String command) throws Exception {
		ShellResult result = shell.run(command, COMMAND);
		assertThat(result.exitCode()).as(command + ": " + result.output()).isZero();
		return result.output().strip();
	}

}
