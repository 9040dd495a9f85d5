package io.github.qemuembed.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Short temporary roots for tests, and the QEMU processes that run under one. */
final class QemuRoots {

	private QemuRoots() {
	}

	static Path create() {
		try {
			return Files.createTempDirectory(Path.of("/tmp"), "qe");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static List<ProcessHandle> qemuUnder(Path root) {
		String marker = root.toString();
		return ProcessHandle.allProcesses()
			.filter((p) -> p.info().commandLine().map((c) -> c.contains("qemu-system") && c.contains(marker)).orElse(false))
			.toList();
	}

	/** Kills what is left (a test that failed half-way) and deletes the root. */
	static void cleanUp(Path root) {
		for (ProcessHandle process : qemuUnder(root)) {
			process.destroyForcibly();
			process.onExit().join();
		}
		try (Stream<Path> files = Files.walk(root)) {
			files.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
		catch (IOException ex) {
			// already gone
		}
	}

}
