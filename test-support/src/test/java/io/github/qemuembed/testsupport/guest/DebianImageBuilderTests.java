package io.github.qemuembed.testsupport.guest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.error.ErrorCode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The builder's failures, with the real tools: a missing tool, a mirror that cannot be
 * reached (mmdebstrap really runs, and fails at apt-get update), and what an interrupted
 * build left behind, mounts included.
 */
class DebianImageBuilderTests {

	@TempDir
	Path cache;

	@Test
	void missingMmdebstrapSaysWhatToInstall(@TempDir Path emptyPath) {
		DebianImageBuilder builder = new DebianImageBuilder(this.cache,
				DebianImageRecipe.standard(DebianImageRecipe.DEFAULT_MIRROR), emptyPath.toString());
		assertThatExceptionOfType(DebianImageException.class).isThrownBy(builder::obtain).satisfies((ex) -> {
			assertThat(ex.code()).isEqualTo(ErrorCode.NO_SUPPORT);
			assertThat(ex.getMessage()).contains("mmdebstrap is not installed")
				.contains("apt-get install -y --no-install-recommends mmdebstrap");
		});
		assertThat(this.cache).isDirectoryNotContaining("glob:**/.tmp-*");
	}

	@Test
	void unreachableMirrorFailsTypedAndLeavesNothing() throws Exception {
		// nothing listens on the discard port: every connection is refused at once
		DebianImageRecipe recipe = DebianImageRecipe.standard("http://127.0.0.1:9/debian");
		Path leftover = Files.createDirectories(this.cache.resolve(".tmp-" + recipe.entryName() + "-killed/rootfs"));
		Files.writeString(leftover.resolve("half-made"), "x");
		DebianImageBuilder builder = new DebianImageBuilder(this.cache, recipe, System.getenv("PATH"));
		assertThatExceptionOfType(DebianImageException.class).isThrownBy(builder::obtain).satisfies((ex) -> {
			assertThat(ex.code()).isEqualTo(ErrorCode.NO_CONNECT);
			assertThat(ex.getMessage()).contains("the Debian mirror http://127.0.0.1:9/debian cannot be reached")
				.contains("-D" + DebianGuest.MIRROR_PROPERTY);
		});
		assertThat(this.cache).as("the killed build's and this build's temporaries are gone")
			.isDirectoryNotContaining("glob:**/.tmp-*")
			.isDirectoryNotContaining("glob:**/debian-bookworm-*");
		assertThat(MountTable.mountsUnder(this.cache)).isEmpty();
	}

	@Test
	void treeIsUnmountedBeforeItIsDeletedAndWhatWasMountedThereSurvives(@TempDir Path host) throws Exception {
		// what mmdebstrap killed mid-build leaves: a bind mount of a host directory in
		// the tree
		Path hostFile = Files.writeString(host.resolve("keep-me"), "host data");
		Path tree = Files.createDirectories(this.cache.resolve(".tmp-x/rootfs/dev"));
		HostCommand.Result mount = HostCommand.run(List.of("mount", "--bind", host.toString(), tree.toString()), null,
				Duration.ofSeconds(30));
		assertThat(mount.succeeded()).as(mount.output()).isTrue();
		assertThat(tree.resolve("keep-me")).exists();
		assertThat(MountTable.mountsUnder(this.cache)).containsExactly(tree);

		MountTable.deleteTree(this.cache.resolve(".tmp-x"));

		assertThat(this.cache.resolve(".tmp-x")).doesNotExist();
		assertThat(MountTable.mountsUnder(this.cache)).isEmpty();
		assertThat(hostFile).hasContent("host data");
	}

	@Test
	void mountinfoEscapesAreRead() {
		assertThat(MountTable.unescape("/tmp/a\\040b\\011c\\134d")).isEqualTo("/tmp/a b\tc\\d");
		assertThat(MountTable.unescape("/plain\\04")).isEqualTo("/plain\\04");
	}

}
