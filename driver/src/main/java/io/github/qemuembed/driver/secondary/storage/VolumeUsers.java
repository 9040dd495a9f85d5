package io.github.qemuembed.driver.secondary.storage;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the running domain that has a volume open. It asks the kernel, not a list kept in
 * memory: for each QEMU pidfile under {@code ROOT/run/qemu/}, the open files of that
 * process ({@code /proc/PID/fd}). So a VM started by another driver instance on the same
 * root counts, and so does a base image that a running overlay reads through its backing
 * chain.
 */
final class VolumeUsers {

	private final Path runDir;

	VolumeUsers(Path root) {
		this.runDir = root.resolve("run/qemu");
	}

	/** The name of a running domain whose QEMU has {@code file} open. */
	Optional<String> userOf(Path file) {
		Path wanted;
		try {
			wanted = file.toRealPath();
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		if (!Files.isDirectory(this.runDir)) {
			return Optional.empty();
		}
		try (DirectoryStream<Path> pidFiles = Files.newDirectoryStream(this.runDir, "*.pid")) {
			for (Path pidFile : pidFiles) {
				Optional<Long> pid = readPid(pidFile);
				if (pid.isPresent() && holds(pid.get(), wanted)) {
					String name = pidFile.getFileName().toString();
					return Optional.of(name.substring(0, name.length() - ".pid".length()));
				}
			}
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		return Optional.empty();
	}

	private static Optional<Long> readPid(Path pidFile) {
		try {
			return Optional.of(Long.parseLong(Files.readString(pidFile).strip()));
		}
		catch (IOException | NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private static boolean holds(long pid, Path wanted) {
		Path fds = Path.of("/proc", Long.toString(pid), "fd");
		try (DirectoryStream<Path> links = Files.newDirectoryStream(fds)) {
			for (Path link : links) {
				try {
					if (Files.readSymbolicLink(link).equals(wanted)) {
						return true;
					}
				}
				catch (IOException ex) {
					// closed meanwhile
				}
			}
		}
		catch (IOException ex) {
			// the process is gone (or not ours): it holds nothing
		}
		return false;
	}

}
