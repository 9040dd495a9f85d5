package io.github.qemuembed.driver.internal.core;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.internal.command.HelperProcess;
import io.github.qemuembed.driver.internal.process.QemuLauncher;

/**
 * Starts the processes QEMU needs before it runs (swtpm), each ready once its socket
 * exists.
 */
final class HelperProcesses {

	private HelperProcesses() {
	}

	/**
	 * Starts them in order; on a failure the ones already started are killed and the
	 * error says why.
	 */
	static List<Process> start(List<HelperProcess> helpers, QemuLauncher launcher, Path log, Duration timeout) {
		List<Process> started = new ArrayList<>();
		try {
			for (HelperProcess helper : helpers) {
				for (Path directory : helper.directories()) {
					Files.createDirectories(directory,
							PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
				}
				Files.deleteIfExists(helper.socket());
				requireInstalled(helper);
				Process process = launcher.launch(helper.argv(), Map.of(), log);
				started.add(process);
				awaitSocket(helper, process, timeout);
			}
			return started;
		}
		catch (IOException ex) {
			stop(started);
			throw new HostIoException("Cannot prepare the files of a helper process (swtpm, virtiofsd) under the root",
					ex);
		}
		catch (RuntimeException ex) {
			stop(started);
			throw ex;
		}
	}

	/**
	 * A helper named without a path must be on the PATH: say which package to install,
	 * not a launch failure.
	 */
	private static void requireInstalled(HelperProcess helper) {
		String program = helper.argv().get(0);
		if (program.contains("/")) {
			return;
		}
		for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
			if (Files.isExecutable(Path.of(dir, program))) {
				return;
			}
		}
		throw new EmulatorException(program + " is needed to start this domain and is not installed (not on the PATH): "
				+ "install it (Debian: apt-get install " + program + ")");
	}

	static void stop(List<Process> helpers) {
		for (Process helper : helpers) {
			helper.destroyForcibly();
		}
	}

	private static void awaitSocket(HelperProcess helper, Process process, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!Files.exists(helper.socket())) {
			if (!process.isAlive()) {
				throw new EmulatorException(helper.name() + " exited with status " + process.exitValue()
						+ " before opening " + helper.socket() + " (its output is in the domain log)");
			}
			if (System.nanoTime() > deadline) {
				throw new EmulatorException(helper.name() + " did not open " + helper.socket() + " within " + timeout);
			}
			try {
				Thread.sleep(2);
			}
			catch (InterruptedException ex) {
				throw OperationInterruptedException.restoring("Interrupted while starting " + helper.name(), ex);
			}
		}
	}

}
