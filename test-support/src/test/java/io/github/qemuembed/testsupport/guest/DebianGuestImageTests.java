package io.github.qemuembed.testsupport.guest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.github.qemuembed.driver.cloudinit.CloudInitSeed;
import io.github.qemuembed.driver.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The standard Debian image, built with the real tools on first use (minutes; later runs
 * find it in the cache), its files and overlays, and the domain XML. Booting it is
 * integration-tests' DebianGuestIT.
 */
class DebianGuestImageTests {

	@Test
	void imageIsAQcow2WithTheImagesOwnKernelAndInitrd(@TempDir Path temp) throws Exception {
		DebianGuest debian = DebianGuest.standard();
		assertThat(DebianImageBuilder.isComplete(debian.image().getParent())).isTrue();
		assertThat(debian.image().getParent().getParent()).hasFileName("debian");
		assertThat(debian.image().getParent()).isDirectoryNotContaining("glob:**/rootfs")
			.isDirectoryNotContaining("glob:**/disk.raw");
		assertThat(qemuImgInfo(debian.image())).contains("file format: qcow2");
		String manifest = Files.readString(debian.image().resolveSibling(DebianImageBuilder.MANIFEST));
		String release = manifest.lines()
			.filter((l) -> l.startsWith("kernel "))
			.findFirst()
			.orElseThrow()
			.substring("kernel ".length());
		assertThat(release).endsWith("-cloud-amd64");
		assertThat(manifest).contains("cloud-init", "qemu-guest-agent", "openssh-server");
		assertThat(KernelLocator.bzImageRelease(debian.kernel())).hasValue(release);
		// gzip magic: initramfs-tools wrote it with COMPRESS=gzip
		byte[] initrd = Files.readAllBytes(debian.initrd());
		assertThat(initrd.length).isBetween(1_000_000, 30_000_000);
		assertThat(DebianGuest.standard()).as("memoized").isSameAs(debian);

		Path overlay = debian.overlay(temp.resolve("vm.qcow2"));
		assertThat(qemuImgInfo(overlay)).contains("backing file: " + debian.image());
		assertThatExceptionOfType(DebianImageException.class).isThrownBy(() -> debian.overlay(overlay))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.OPERATION_INVALID));
	}

	@Test
	void domainXmlBootsTheKernelWithTheDiskSeedForwardsAndAgent(@TempDir Path temp) throws Exception {
		DebianGuest debian = DebianGuest.standard();
		Path seed = CloudInitSeed.builder().metaData("instance-id: x\n").build().writeTo(temp.resolve("seed.iso"));
		String xml = debian.domain("deb")
			.disk(temp.resolve("vm.qcow2"))
			.cloudInitSeed(seed)
			.forward(0, 22)
			.kernelArguments("quiet")
			.toXml();
		assertThat(xml).contains("<domain type='qemu'>", "<kernel>" + debian.kernel() + "</kernel>",
				"<initrd>" + debian.initrd() + "</initrd>", "<cmdline>root=/dev/vda rw console=ttyS0 quiet</cmdline>",
				"<source file='" + temp.resolve("vm.qcow2") + "'/>", "<range start='0' to='22'/>",
				"name='org.qemu.guest_agent.0'", "device='cdrom'", seed.toString());
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> debian.domain("nodisk").toXml())
			.withMessageContaining("disk(guest.overlay(path))");
	}

	private static String qemuImgInfo(Path image) {
		HostCommand.Result info = HostCommand.run(List.of("qemu-img", "info", "-U", image.toString()), null,
				Duration.ofSeconds(30));
		assertThat(info.succeeded()).as(info.output()).isTrue();
		return info.output();
	}

}
