package io.github.qemuembed.testsupport.guest;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The image's cache key and the mmdebstrap command line, as pure functions. */
class DebianImageRecipeTests {

	@Test
	void keyFollowsThePackageListNotItsOrderNorTheMirror() {
		DebianImageRecipe standard = DebianImageRecipe.standard(DebianImageRecipe.DEFAULT_MIRROR);
		List<String> reversed = new ArrayList<>(DebianImageRecipe.DEFAULT_PACKAGES);
		Collections.reverse(reversed);
		assertThat(new DebianImageRecipe(reversed, "http://mirror.example/debian").cacheKey())
			.isEqualTo(standard.cacheKey());
		List<String> more = new ArrayList<>(DebianImageRecipe.DEFAULT_PACKAGES);
		more.add("curl");
		assertThat(new DebianImageRecipe(more, DebianImageRecipe.DEFAULT_MIRROR).cacheKey())
			.isNotEqualTo(standard.cacheKey());
		assertThat(standard.entryName()).matches("debian-bookworm-[0-9a-f]{16}");
	}

	@Test
	void commandAsksForASmallTreeFromTheMirror() {
		DebianImageRecipe recipe = DebianImageRecipe.standard("http://mirror.example/debian");
		List<String> command = recipe.mmdebstrapCommand("/usr/bin/mmdebstrap", Path.of("/cache/.tmp-x/rootfs"));
		assertThat(command).startsWith("/usr/bin/mmdebstrap", "--verbose", "--mode=root", "--variant=minbase")
			.endsWith("bookworm", "/cache/.tmp-x/rootfs", "http://mirror.example/debian")
			.contains("--aptopt=APT::Install-Recommends \"false\"", "--dpkgopt=path-exclude=/usr/share/doc/*",
					"--dpkgopt=path-exclude=/usr/share/man/*", "--dpkgopt=path-exclude=/usr/share/locale/*");
		assertThat(command).filteredOn((a) -> a.startsWith("--include="))
			.singleElement()
			.asString()
			.contains("cloud-init", "qemu-guest-agent", "openssh-server", "linux-image-cloud-amd64", "systemd");
		assertThat(command).filteredOn((a) -> a.startsWith("--essential-hook="))
			.singleElement()
			.asString()
			.contains("MODULES=list")
			.contains("virtio_blk");
		assertThat(command).filteredOn((a) -> a.startsWith("--customize-hook="))
			.singleElement()
			.asString()
			.contains("datasource_list: [ NoCloud, None ]")
			.contains("systemctl enable systemd-networkd.service")
			.contains("/etc/fstab");
	}

	@Test
	void somethingThatIsNotAPackageNameIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(
					() -> new DebianImageRecipe(List.of("systemd", "--force-yes"), DebianImageRecipe.DEFAULT_MIRROR))
			.withMessageContaining("'--force-yes' is not a Debian package name");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new DebianImageRecipe(List.of(), DebianImageRecipe.DEFAULT_MIRROR));
	}

}
