package io.github.qemuembed.it.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The QEMU processes that run under a root (their command line names it), and clean-up. */
final class QemuProcesses {

	private QemuProcesses() {
	}

	static List<ProcessHandle> under(Path root) {
		String marker = root.toString();
		return ProcessHandle.allProcesses()
			.filter((p) -> p.info().commandLine().map((c) -> c.contains("qemu-system") && c.contains(marker)).orElse(false))
			.toList();
	}

	/** Kills whatever a failed test left running under the root, then deletes the root. */
	static void cleanUp(Path root) {
		for (ProcessHandle process : under(root)) {
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
