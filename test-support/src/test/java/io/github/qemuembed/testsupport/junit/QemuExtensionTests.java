package io.github.qemuembed.testsupport.junit;

import java.nio.file.Files;
import java.time.Duration;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.console.ShellResult;
import io.github.qemuembed.testsupport.guest.TestGuest;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The extension as a user sees it: one test guest shared by the class (a static field),
 * with a disk, driven over its serial console, shut down through ACPI at the end. One
 * guest boot.
 */
@QemuTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class QemuExtensionTests {

	// a real boot: the test looks at the boot's ready marker in the log
	@TestVm(memoryMiB = 160, kernelArguments = "qemu_embed_test=yes", disksMiB = 8, boot = true,
			cloudInitMetaData = "instance-id: ext-1\n", cloudInitUserData = "#cloud-config\nhostname: ext\n")
	static GuestVm guest;

	@Test
	@Order(1)
	void theGuestIsReadyAndRunsCommands() {
		ShellResult result = guest.run("echo hello from $(hostname); uname -r");

		assertThat(result.exitCode()).isZero();
		assertThat(result.lines()).containsExactly("hello from qemu-embed-guest", TestGuest.standard().kernelRelease());
		assertThat(guest.run("false").exitCode()).isEqualTo(1);
	}

	@Test
	@Order(2)
	void theDeclaredSettingsReachTheGuest() {
		assertThat(guest.runSuccessfully("cat /proc/cmdline")).contains("qemu_embed_test=yes");
		// 8 MiB = 16384 sectors of 512 bytes.
		assertThat(guest.runSuccessfully("cat /sys/block/vda/size").strip()).isEqualTo("16384");
		long memTotalKiB = Long.parseLong(guest.runSuccessfully("awk '/MemTotal/ {print $2}' /proc/meminfo").strip());
		assertThat(memTotalKiB).isBetween(100_000L, 160L * 1024);
	}

	@Test
	@Order(3)
	void theCloudInitSeedIsACdromLabelledCidataWithTheFiles() {
		guest.runSuccessfully(
				"for i in $(seq 1 100); do [ -b /dev/sr0 ] && break; usleep 100000; done; [ -b /dev/sr0 ]");
		// the volume identifier (sector 16, bytes 40-71), which blkid reports as the
		// label
		assertThat(guest
			.runSuccessfully("dd if=/dev/sr0 bs=2048 skip=16 count=1 2>/dev/null | dd bs=1 skip=40 "
					+ "count=32 2>/dev/null | tr -d ' '; echo")
			.strip()).isEqualTo("cidata");
		guest.runSuccessfully("mkdir -p /mnt/seed && mount -t iso9660 -o ro /dev/sr0 /mnt/seed");
		assertThat(guest.run("ls -1 /mnt/seed").lines()).containsExactly("meta-data", "user-data");
		assertThat(guest.run("cat /mnt/seed/meta-data /mnt/seed/user-data").lines())
			.containsExactly("instance-id: ext-1", "#cloud-config", "hostname: ext");
		guest.runSuccessfully("umount /mnt/seed");
	}

	@Test
	@Order(4)
	void theDriverAndTheDomainAreInjected(QemuDriver driver, QemuSandbox sandbox) throws Exception {
		Domain domain = driver.lookup("guest");

		assertThat(domain.uuid()).isEqualTo(guest.domain().uuid());
		assertThat(driver.list(DomainListFilter.ACTIVE)).extracting(Domain::name).containsExactly("guest");
		assertThat(sandbox.driver()).isSameAs(driver);
		assertThat(driver.root()).isDirectory().startsWith(sandbox.root());
		assertThat(Files.readString(guest.logFile())).contains(TestGuest.READY_MARKER);
	}

	@Test
	@Order(5)
	void theGuestPowersOffOnTheAcpiButton() {
		boolean clean = guest.shutdown(Duration.ofSeconds(60));

		assertThat(clean).as("powered off by itself; console:%n%s", guest.consoleTranscript()).isTrue();
		assertThat(guest.consoleTranscript()).contains(TestGuest.POWEROFF_MARKER);
		assertThat(guest.awaitState(DomainState.SHUTOFF, Duration.ofSeconds(10)).state())
			.isEqualTo(DomainState.SHUTOFF);
	}

}
