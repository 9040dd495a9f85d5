package io.github.qemuembed.it.driver;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.DeviceFlag;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.console.ShellResult;
import io.github.qemuembed.testsupport.guest.TestGuest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Layer 3: a real Linux guest (TCG) sees a hot-added disk (it appears in
 * {@code /sys/block} and holds the image's bytes) and lets it go again at the detach
 * (QEMU's {@code DEVICE_DELETED} after the guest's hot-plug driver released it).
 */
class HotplugIT {

	private static final Duration BOOT = Duration.ofSeconds(90);

	private static final Duration COMMAND = Duration.ofSeconds(30);

	@RegisterExtension
	final OpenDriver open = new OpenDriver(Accel.TCG);

	@Test
	void aHotAddedDiskAppearsInTheGuestAndIsGoneAfterTheDetach() throws Exception {
		Path image = this.open.root().resolve("extra.img");
		byte[] content = new byte[4 << 20];
		byte[] marker = "hot-plugged-disk".getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(marker, 0, content, 0, marker.length);
		Files.write(image, content);
		Domain domain = this.open.driver()
			.define(TestGuest.standard()
				.domain("plugged")
				.type("qemu")
				// q35 hot-plugs PCIe devices into free root ports only; libvirt's users
				// add spare ones the same way
				// (and every PCIe device of the guest, the balloon too, takes one at
				// start)
				.device("<controller type='pci' model='pcie-root-port'/>".repeat(6))
				.toXml());
		domain.start();
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.awaitText(TestGuest.READY_MARKER, BOOT);
			assertThat(run(shell, "ls /sys/block")).doesNotContain("vda");

			domain.attachDevice("""
					<disk type='file' device='disk'>
					  <driver name='qemu' type='raw'/>
					  <source file='%s'/>
					  <target dev='vda' bus='virtio'/>
					</disk>""".formatted(image), DeviceFlag.LIVE);
			assertThat(domain.xml(false)).contains("<target dev='vda' bus='virtio'/>");
			assertThat(awaitGuest(shell, "ls /sys/block", "vda")).contains("vda");
			assertThat(run(shell, "dd if=/dev/vda bs=16 count=1 2>/dev/null")).contains("hot-plugged-disk");

			domain.detachDevice("<disk><target dev='vda'/></disk>", Duration.ofSeconds(60));
			assertThat(run(shell, "ls /sys/block")).doesNotContain("vda");
			assertThat(domain.xml(false)).doesNotContain("<target dev='vda'");
			assertThat(domain.qmp("{\"execute\":\"query-block\"}")).doesNotContain(image.toString());
		}
		domain.destroy();
	}

	/**
	 * A USB disk plugged into the domain's xHCI controller: the guest (Debian's full
	 * kernel, whose xHCI and USB storage drivers the cloud kernel lacks) sees it as a
	 * SCSI disk, reads the image through it, and loses it at the detach.
	 */
	@Test
	void aHotAddedUsbDiskAppearsInTheGuestAndIsGoneAfterTheDetach() throws Exception {
		Path image = this.open.root().resolve("usb.img");
		byte[] content = new byte[4 << 20];
		byte[] marker = "usb-plugged-disk".getBytes(StandardCharsets.US_ASCII);
		System.arraycopy(marker, 0, content, 0, marker.length);
		Files.write(image, content);
		Domain domain = this.open.driver()
			.define(TestGuest.builder()
				.usbStorage()
				.build()
				.domain("usbplugged")
				.memoryMiB(256)
				.device("<controller type='usb' model='qemu-xhci' ports='4'/>")
				.toXml());
		domain.start();
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.awaitText(TestGuest.READY_MARKER, BOOT);
			assertThat(run(shell, "ls /sys/block")).doesNotContain("sda");

			domain.attachDevice("""
					<disk type='file' device='disk'>
					  <driver name='qemu' type='raw'/>
					  <source file='%s'/>
					  <target dev='sda' bus='usb'/>
					</disk>""".formatted(image), DeviceFlag.LIVE);
			assertThat(domain.xml(false)).contains("<target dev='sda' bus='usb'/>")
				.contains("<address type='usb' bus='0' port='1'/>");
			assertThat(awaitGuest(shell, "ls /sys/block", "sda")).contains("sda");
			assertThat(run(shell, "cat /sys/block/sda/device/vendor /sys/block/sda/device/model")).contains("QEMU");
			assertThat(run(shell, "dd if=/dev/sda bs=16 count=1 2>/dev/null")).contains("usb-plugged-disk");

			domain.detachDevice("<disk><target dev='sda' bus='usb'/></disk>", Duration.ofSeconds(60));
			assertThat(awaitGuestWithout(shell, "ls /sys/block", "sda")).doesNotContain("sda");
			assertThat(domain.xml(false)).doesNotContain("<target dev='sda'");
			assertThat(domain.qmp("{\"execute\":\"query-block\"}")).doesNotContain(image.toString());
		}
		domain.destroy();
	}

	/** Runs {@code command} until its output no longer contains {@code gone}. */
	private static String awaitGuestWithout(GuestConsole shell, String command, String gone) throws Exception {
		long deadline = System.nanoTime() + COMMAND.toNanos();
		String output = run(shell, command);
		while (output.contains(gone) && System.nanoTime() < deadline) {
			output = run(shell, "sleep 0.2; " + command);
		}
		return output;
	}

	/**
	 * Runs {@code command} until its output contains {@code expected} (the guest probes a
	 * new device by itself).
	 */
	private static String awaitGuest(GuestConsole shell, String command, String expected) throws Exception {
		long deadline = System.nanoTime() + COMMAND.toNanos();
		String output = run(shell, command);
		while (!output.contains(expected) && System.nanoTime() < deadline) {
			// each round is one shell round trip through the serial console: the wait
			// ends on the guest's answer
			output = run(shell, "sleep 0.2; " + command);
		}
		return output;
	}

	private static String run(GuestConsole shell, String command) throws Exception {
		ShellResult result = shell.run(command, COMMAND);
		assertThat(result.exitCode()).as(command + ": " + result.output()).isZero();
		return result.output().strip();
	}

}
