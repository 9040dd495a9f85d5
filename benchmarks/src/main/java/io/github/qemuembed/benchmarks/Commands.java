package io.github.qemuembed.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Small helpers for running host commands. */
public final class Commands {

	private Commands() {
	}

	/** The first line a command prints, or empty if it cannot run or fails. */
	public static Optional<String> firstLine(String... command) {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				return Optional.empty();
			}
			return output.lines().findFirst().map(String::trim);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

	/** The absolute path of an executable found on {@code PATH}. */
	public static Optional<Path> onPath(String executable) {
		String path = System.getenv("PATH");
		if (path == null) {
			return Optional.empty();
		}
		for (String dir : path.split(":")) {
			Path candidate = Path.of(dir.isEmpty() ? "." : dir, executable);
			if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
				return Optional.of(candidate.toAbsolutePath());
			}
		}
		return Optional.empty();
	}

	/**
	 * Deletes a directory tree, ignoring what cannot be deleted (sockets of dead
	 * processes and such).
	 */
	public static void deleteTree(Path root) {
		if (root == null || !Files.exists(root)) {
			return;
		}
		try (var walk = Files.walk(root)) {
			List<Path> paths = walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
			for (Path path : paths) {
				try {
					Files.deleteIfExists(path);
				}
				catch (IOException ex) {
					// best effort
				}
			}
		}
		catch (IOException ex) {
			// best effort
		}
	}

}
