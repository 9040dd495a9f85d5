package io.github.qemuembed.driver.secondary.storage;

import java.nio.file.Path;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;

/**
 * Runs one import in a JVM of its own, so that a test can kill it mid-way: args ROOT POOL
 * VOLUME SOURCE SHA256. Prints {@code progress N} after each chunk, then {@code done}.
 */
public final class ImportChildMain {

	private ImportChildMain() {
	}

	public static void main(String[] args) {
		EmbeddedStorageDriver storage = EmbeddedStorageDriver.open(Path.of(args[0]), AccessPolicy.allowAll(),
				CallerSupplier.NONE);
		storage.importVolume(ImportRequest.of(args[1], args[2], args[3], args[4]), (volume, copied, total) -> {
			System.out.println("progress " + copied);
			System.out.flush();
		});
		System.out.println("done");
	}

}
