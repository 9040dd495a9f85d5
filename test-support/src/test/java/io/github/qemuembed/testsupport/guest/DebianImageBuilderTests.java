package io.github.qemuembed.testsupport.guest;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.qemuembed.driver.error.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
	void secondProcessWaitsForTheLockAndTakesTheEntryTheFirstPublished(@TempDir Path emptyPath) throws Exception {
		DebianImageRecipe recipe = DebianImageRecipe.standard(DebianImageRecipe.DEFAULT_MIRROR);
		Path entry = this.cache.resolve(recipe.entryName());
		// another JVM that holds the build lock, publishes an entry when told, then lets
		// go
		Path holder = Files.writeString(this.cache.resolve("Holder.java"), """
				import java.nio.channels.*;
				import java.nio.file.*;
				public class Holder {
					public static void main(String[] args) throws Exception {
						try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE,
								StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
							System.out.println("locked");
							System.in.read();
							Path entry = Files.createDirectories(Path.of(args[1]));
							for (String name : new String[] { "disk.qcow2", "vmlinuz", "initrd.img", "manifest.txt" }) {
								Files.writeString(entry.resolve(name), name);
							}
						}
					}
				}
				""");
		Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				holder.toString(), this.cache.resolve(".lock-" + recipe.entryName()).toString(), entry.toString())
			.redirectErrorStream(true)
			.start();
		try {
			assertThat(new BufferedReader(new InputStreamReader(other.getInputStream())).readLine())
				.isEqualTo("locked");
			// no tools on this PATH: building instead of waiting would fail at once
			DebianImageBuilder builder = new DebianImageBuilder(this.cache, recipe, emptyPath.toString());
			CompletableFuture<Path> obtained = CompletableFuture.supplyAsync(builder::obtain);
			org.awaitility.Awaitility.await()
				.atMost(Duration.ofSeconds(30))
				.until(() -> obtained.isDone() || Thread.getAllStackTraces()
					.keySet()
					.stream()
					.anyMatch((t) -> Arrays.stream(t.getStackTrace())
						.anyMatch((f) -> f.getClassName().endsWith("FileChannelImpl")
								&& f.getMethodName().equals("lock"))));
			assertThat(obtained).as("waits while the other process holds the lock").isNotDone();
			other.getOutputStream().write('\n');
			other.getOutputStream().flush();
			assertThat(obtained).succeedsWithin(Duration.ofSeconds(30)).isEqualTo(entry);
			assertThat(entry.resolve("vmlinuz")).hasContent("vmlinuz");
			assertThat(this.cache).isDirectoryNotContaining("glob:**/.tmp-*");
		}
		finally {
			other.destroyForcibly().waitFor();
		}
	}

	@Test
	void mountinfoEscapesAreRead() {
		assertThat(MountTable.unescape("/tmp/a\\040b\\011c\\134d")).isEqualTo("/tmp/a b\tc\\d");
		assertThat(MountTable.unescape("/plain\\04")).isEqualTo("/plain\\04");
	}

}
