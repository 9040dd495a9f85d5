package io.github.qemuembed.testsupport.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.github.qemuembed.driver.internal.fs.FileTrees;

/**
 * Test roots and the QEMU processes running under them, for tests that drive the starter
 * or the driver themselves: a short temporary root (UNIX socket paths are limited to 107
 * bytes), the QEMU processes whose command line names it, and a clean-up that leaves
 * nothing behind.
 */
public final class QemuRoots {

	private QemuRoots() {
	}

	/** A new, empty root under {@code /tmp} with a short name. */
	public static Path create() {
		try {
			return Files.createTempDirectory(Path.of("/tmp"), "qe");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** QEMU processes whose command line names {@code root}. */
	public static List<ProcessHandle> qemuUnder(Path root) {
		String marker = root.toString();
		return ProcessHandle.allProcesses()
			.filter((p) -> p.info()
				.commandLine()
				.map((c) -> c.contains("qemu-system") && c.contains(marker))
				.orElse(false))
			.toList();
	}

	/**
	 * Kills what is left under the root (a test that failed half-way), then deletes the
	 * root.
	 */
	public static void cleanUp(Path root) {
		for (ProcessHandle process : qemuUnder(root)) {
			process.destroyForcibly();
			process.onExit().join();
		}
		// a driver that is still open may be removing a killed VM's files while this
		// walks: a file vanishing under the walk is fine, the walk is repeated until the
		// root is gone
		for (int attempt = 0; attempt < 5 && !FileTrees.deleteQuietly(root); attempt++) {
			// walk again
		}
	}

}
