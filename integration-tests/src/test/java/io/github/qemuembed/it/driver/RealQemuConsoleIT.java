package io.github.qemuembed.it.driver;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.internal.command.RealQemu;
import io.github.qemuembed.testsupport.guest.TestGuest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real Linux kernel (the test guest of {@code qemu-embed-test-support}, fetched if
 * needed) booted under TCG proves what a guest-less QEMU cannot: a {@code pty} serial is
 * a live console on its socket and QEMU appends the console output to the domain log
 * itself; {@code on_reboot=destroy} makes QEMU exit when the guest reboots.
 */
class RealQemuConsoleIT {

	@TempDir
	Path root;

	/**
	 * The guest powers itself off at once (busybox {@code poweroff -f} as init): with
	 * {@code on_poweroff=preserve} QEMU stays, stopped in the {@code shutdown} state;
	 * with {@code destroy} it exits.
	 */
	@Test
	void onPoweroffPreserveKeepsQemuAndDestroyEndsIt() throws Exception {
		Path kernel = TestGuest.standard().kernel();
		Path initramfs = TestGuest.standard().initramfs();
		for (String action : new String[] { "preserve", "destroy" }) {
			String xml = "<domain type='qemu'><name>off-" + action + "</name><memory unit='MiB'>256</memory>"
					+ "<os><type machine='q35'>hvm</type><kernel>" + kernel + "</kernel><initrd>" + initramfs
					+ "</initrd><cmdline>console=ttyS0 rdinit=/bin/busybox -- poweroff -f</cmdline>"
					+ "</os><features><acpi/></features><on_poweroff>" + action + "</on_poweroff>"
					+ "<devices><serial type='pty'/></devices></domain>";
			try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
				qemu.qmp("cont");
				if (action.equals("destroy")) {
					assertThat(qemu.process().waitFor(180, TimeUnit.SECONDS)).as("QEMU exits on power-off").isTrue();
				}
				else {
					await().atMost(Duration.ofSeconds(180))
						.untilAsserted(() -> assertThat(qemu.qmp("query-status").get("status").asString())
							.isEqualTo("shutdown"));
					assertThat(qemu.process().isAlive()).isTrue();
				}
			}
		}
	}

	@Test
	void ptySerialIsALiveConsoleAndIsLoggedAndRebootDestroys() throws Exception {
		Path kernel = TestGuest.standard().kernel();
		String xml = "<domain type='qemu'><name>console</name><memory unit='MiB'>256</memory>"
				+ "<os><type machine='q35'>hvm</type><kernel>" + kernel + "</kernel>"
				+ "<cmdline>console=ttyS0 panic=-1 root=/dev/nonexistent</cmdline></os>"
				+ "<features><acpi/></features><on_reboot>destroy</on_reboot>"
				+ "<devices><serial type='pty'/><console type='pty'><target type='serial'/></console></devices></domain>";
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			Path socket = qemu.command().serialSockets().get(0);
			StringBuilder console = new StringBuilder();
			try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
				channel.connect(UnixDomainSocketAddress.of(socket));
				qemu.qmp("cont");
				ByteBuffer buffer = ByteBuffer.allocate(8192);
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
				while (!console.toString().contains("Linux version") && System.nanoTime() < deadline) {
					buffer.clear();
					if (channel.read(buffer) < 0) {
						break;
					}
					console.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1));
				}
			}
			assertThat(console.toString()).contains("Linux version");
			await().atMost(Duration.ofSeconds(120))
				.untilAsserted(() -> assertThat(qemu.log()).contains("Linux version"));
			// No root file system: the kernel panics, panic=-1 reboots at once, and
			// -no-reboot ends QEMU.
			assertThat(qemu.process().waitFor(180, TimeUnit.SECONDS)).as("QEMU exits on the guest's reboot").isTrue();
			assertThat(qemu.log()).contains("Kernel panic");
		}
	}

}
