package io.github.qemuembed.autoconfigure;

import java.nio.file.Path;
import java.util.List;

/**
 * Finds the QEMU processes that belong to a root (their command line names it), so that a
 * test can assert that none is left and kill any that is, even when the test failed.
 */
public final class QemuProcesses {

	private QemuProcesses() {
	}

	public static List<ProcessHandle> under(Path root) {
		String marker = root.toString();
		return ProcessHandle.allProcesses()
			.filter((p) -> p.info()
				.commandLine()
				.map((c) -> c.contains("qemu-system") && c.contains(marker))
				.orElse(false))
			.toList();
	}

	public static void killAll(Path root) {
		for (ProcessHandle process : under(root)) {
			process.destroyForcibly();
			process.onExit().join();
		}
	}

}
