package io.github.qemuembed.it.guest;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.cloudinit.CloudInitDisk;
import io.github.qemuembed.driver.cloudinit.CloudInitSeed;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.console.ShellResult;
import io.github.qemuembed.testsupport.guest.TestGuest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layer 3: a seed built by the driver, attached as a CD-ROM to a real guest, carries the
 * label cidata and is read by the guest kernel's own ISO 9660 driver, the way
 * cloud-init's NoCloud source finds and reads it.
 */
class CloudInitSeedIT {

	private static final Duration BOOT = Duration.ofSeconds(120);

	@RegisterExtension
	final OpenDriver open = new OpenDriver(Accel.TCG);

	@Test
	void guestFindsTheCidataCdromAndReadsItsFiles(@TempDir Path temp) throws Exception {
		// the SCSI CD-ROM driver (on virtio-scsi, which the test guest loads) and the ISO
		// 9660 file system
		TestGuest guest = TestGuest.builder().addModules("sr_mod", "isofs").build();
		Path iso = CloudInitSeed.builder()
			.metaData("instance-id: seeded-1\nlocal-hostname: seeded\n")
			.userData("#cloud-config\nruncmd:\n  - echo hello from user-data\n")
			.networkConfig("version: 2\nethernets: {}\n")
			.build()
			.writeTo(temp.resolve("seed.iso"));
		String xml = CloudInitDisk.attach(guest.domain("seeded").toXml(), iso);
		assertThat(xml).contains("device='cdrom'").contains("bus='scsi'");
		Domain domain = this.open.driver().createTransient(xml);
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.awaitText(TestGuest.READY_MARKER, BOOT);
			// the CD-ROM's node appears once the SCSI bus is scanned
			ShellResult device = shell.run("for i in $(seq 1 100); do [ -b /dev/sr0 ] && break; usleep 100000; done; "
					+ "ls /dev/sr* || ls /sys/block", Duration.ofSeconds(30));
			assertThat(device.lines()).containsExactly("/dev/sr0");
			// the label as blkid and cloud-init read it: the volume identifier of the
			// primary volume descriptor
			// (sector 16, bytes 40-71; busybox in the guest has no blkid)
			assertThat(shell
				.run("dd if=/dev/sr0 bs=2048 skip=16 count=1 2>/dev/null | dd bs=1 skip=40 count=32 "
						+ "2>/dev/null | tr -d ' '; echo", Duration.ofSeconds(20))
				.lines()).containsExactly("cidata");
			shell.runSuccessfully("mkdir -p /mnt/seed && mount -t iso9660 -o ro /dev/sr0 /mnt/seed",
					Duration.ofSeconds(20));
			assertThat(shell.run("ls -1 /mnt/seed", Duration.ofSeconds(20)).lines()).containsExactly("meta-data",
					"network-config", "user-data");
			assertThat(shell.run("cat /mnt/seed/meta-data", Duration.ofSeconds(20)).lines())
				.containsExactly("instance-id: seeded-1", "local-hostname: seeded");
			assertThat(shell.run("cat /mnt/seed/user-data", Duration.ofSeconds(20)).lines())
				.containsExactly("#cloud-config", "runcmd:", "  - echo hello from user-data");
			assertThat(shell.run("touch /mnt/seed/x 2>&1; echo $?", Duration.ofSeconds(20)).lines()).as("read-only")
				.last()
				.isNotEqualTo("0");
		}
		domain.destroy();
	}

}
