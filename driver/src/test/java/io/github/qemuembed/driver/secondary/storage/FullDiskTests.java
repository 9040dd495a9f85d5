package io.github.qemuembed.driver.secondary.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.error.StorageException.Problem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A pool on a real, small file system (a 2 MiB tmpfs): running out of space is a typed
 * error and leaves no partial volume. Mounting needs root, as the tests have (see
 * docs/testing.md).
 */
class FullDiskTests {

	@TempDir
	Path root;

	@TempDir
	Path sources;

	private Path mount;

	private EmbeddedStorageDriver storage;

	@BeforeEach
	void mountSmallFileSystem() throws Exception {
		this.mount = Files.createDirectory(this.root.resolve("small"));
		run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", this.mount.toString());
		this.storage = EmbeddedStorageDriver.open(this.root, AccessPolicy.allowAll(), CallerSupplier.NONE);
		this.storage
			.definePool("<pool type='dir'><name>small</name><target><path>" + this.mount + "</path></target></pool>");
		this.storage.startPool("small");
	}

	@AfterEach
	void unmount() throws Exception {
		run("umount", this.mount.toString());
	}

	@Test
	void anImportThatDoesNotFitIsATypedErrorAndLeavesNothing() throws Exception {
		Path big = StorageTestSupport.patternFile(this.sources.resolve("big.img"), 3 << 20);
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.importVolume(
					ImportRequest.of("small", "big.img", big.toString(), StorageTestSupport.sha256(big)),
					ImportListener.NONE))
			.withMessageContaining("no space left in the file system of pool 'small'")
			.withMessageContaining("nothing was kept")
			.satisfies((ex) -> {
				assertThat(ex.problem()).isEqualTo(Problem.NO_SPACE);
				assertThat(ex.code()).isEqualTo(ErrorCode.SYSTEM_ERROR);
			});
		assertThat(this.mount).isEmptyDirectory();
		assertThat(this.storage.pool("small").available()).isEqualTo(2 << 20);
	}

	@Test
	void aFullPoolKeepsWhatItHasAndRefusesMore() throws Exception {
		Path fits = StorageTestSupport.patternFile(this.sources.resolve("fits.img"), 1536 << 10);
		this.storage.importVolume(
				ImportRequest.of("small", "fits.img", fits.toString(), StorageTestSupport.sha256(fits)),
				ImportListener.NONE);
		Path more = StorageTestSupport.patternFile(this.sources.resolve("more.img"), 1 << 20);
		assertThatExceptionOfType(StorageException.class).isThrownBy(() -> this.storage.importVolume(
				ImportRequest.of("small", "more.img", more.toString(), StorageTestSupport.sha256(more)),
				ImportListener.NONE))
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.NO_SPACE));
		// fill the rest, then even a qcow2 header does not fit
		Path rest = StorageTestSupport.patternFile(this.sources.resolve("rest.img"),
				(int) this.storage.pool("small").available());
		this.storage.importVolume(
				ImportRequest.of("small", "rest.img", rest.toString(), StorageTestSupport.sha256(rest)),
				ImportListener.NONE);
		assertThatExceptionOfType(StorageException.class)
			.isThrownBy(() -> this.storage.createVolume("small", "new.qcow2", VolumeFormat.QCOW2, 1 << 30))
			.withMessageContaining("No space left on device")
			.satisfies((ex) -> assertThat(ex.problem()).isEqualTo(Problem.NO_SPACE));
		try (var files = Files.list(this.mount)) {
			assertThat(files).extracting((p) -> p.getFileName().toString()).containsOnly("fits.img", "rest.img");
		}
		assertThat(StorageTestSupport.sha256(this.mount.resolve("fits.img")))
			.isEqualTo(StorageTestSupport.sha256(fits));
	}

	private static void run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes());
		if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
			throw new IllegalStateException(
					String.join(" ", command) + " failed (the tests run as root, see " + "docs/testing.md): " + out);
		}
	}

}
