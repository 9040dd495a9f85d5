package io.github.qemuembed.driver.secondary.storage;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.secondary.StorageVolume;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM killed (SIGKILL) in the middle of an import leaves no volume, and the next start
 * tidies up.
 */
class InterruptedImportTests {

	private static final int SIZE = 4 << 20;

	@TempDir
	Path root;

	@TempDir
	Path sources;

	private final CountDownLatch release = new CountDownLatch(1);

	private HttpServer server;

	private Process child;

	@AfterEach
	void cleanUp() throws Exception {
		this.release.countDown();
		if (this.child != null && this.child.isAlive()) {
			this.child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
		if (this.server != null) {
			this.server.stop(0);
		}
	}

	@Test
	void aKilledImportLeavesNoVolume() throws Exception {
		Path image = StorageTestSupport.patternFile(this.sources.resolve("big.img"), SIZE);
		this.server = StorageTestSupport.serve(image, 1 << 20, this.release);
		EmbeddedStorageDriver storage = EmbeddedStorageDriver.open(this.root, AccessPolicy.allowAll(),
				CallerSupplier.NONE);
		storage.definePool("<pool type='dir'><name>images</name></pool>");
		storage.startPool("images");
		Path pool = this.root.resolve("storage/images");

		this.child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), ImportChildMain.class.getName(), this.root.toString(), "images",
				"big.img", StorageTestSupport.url(this.server, "big.img"), StorageTestSupport.sha256(image))
			.redirectErrorStream(true)
			.start();
		// the server holds back all but the first MiB: wait until the child has written
		// it
		long copied = awaitProgress(1 << 20);
		assertThat(copied).isEqualTo(1 << 20);
		try (Stream<Path> files = Files.list(pool)) {
			assertThat(files).singleElement()
				.satisfies(
						(part) -> assertThat(part.getFileName().toString()).startsWith(".big.img.").endsWith(".part"));
		}
		this.child.destroyForcibly();
		assertThat(this.child.waitFor(30, TimeUnit.SECONDS)).isTrue();

		// what the killed import wrote is only a hidden part file: never a volume
		assertThat(pool.resolve("big.img")).doesNotExist();
		assertThat(storage.listVolumes("images")).isEmpty();
		// a driver opened later (the pool is still active) removes the leftover
		EmbeddedStorageDriver next = EmbeddedStorageDriver.open(this.root, AccessPolicy.allowAll(),
				CallerSupplier.NONE);
		assertThat(pool).isEmptyDirectory();
		// and the same import, uninterrupted, succeeds
		this.release.countDown();
		StorageVolume volume = next.importVolume(ImportRequest.of("images", "big.img",
				StorageTestSupport.url(this.server, "big.img"), StorageTestSupport.sha256(image)), ImportListener.NONE);
		assertThat(StorageTestSupport.sha256(Path.of(volume.path()))).isEqualTo(StorageTestSupport.sha256(image));
	}

	/**
	 * Reads the child's output until it reports {@code atLeast} bytes copied (or fails if
	 * it ends first).
	 */
	private long awaitProgress(long atLeast) throws Exception {
		BufferedReader out = new BufferedReader(new InputStreamReader(this.child.getInputStream()));
		StringBuilder seen = new StringBuilder();
		String line;
		while ((line = out.readLine()) != null) {
			seen.append(line).append('\n');
			if (line.startsWith("progress ")) {
				long copied = Long.parseLong(line.substring("progress ".length()));
				if (copied >= atLeast) {
					return copied;
				}
			}
		}
		throw new AssertionError("the importing JVM ended before copying " + atLeast + " bytes:\n" + seen);
	}

}
