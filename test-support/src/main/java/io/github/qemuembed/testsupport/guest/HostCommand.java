package io.github.qemuembed.testsupport.guest;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a host tool (apt-get, dpkg, busybox) and collects its exit code and combined
 * output.
 */
final class HostCommand {

	private HostCommand() {
	}

	record Result(int exitCode, String output) {

		boolean succeeded() {
			return this.exitCode == 0;
		}

	}

	static Result run(List<String> command, Path directory, Duration timeout) {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
		if (directory != null) {
			builder.directory(directory.toFile());
		}
		// apt and dpkg print localized, human-oriented messages; ask for the stable
		// English ones.
		builder.environment().put("LC_ALL", "C");
		Process process;
		try {
			process = builder.start();
		}
		catch (IOException ex) {
			throw new TestGuestException("cannot run " + command.get(0) + " (" + ex.getMessage() + ")", ex);
		}
		CompletableFuture<String> output = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try {
				output.complete(readAll(process.getInputStream()));
			}
			catch (RuntimeException ex) {
				output.completeExceptionally(ex);
			}
		}, "qemu-embed-host-command");
		reader.setDaemon(true);
		reader.start();
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				process.destroyForcibly();
				throw new TestGuestException(
						String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
			}
			return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new TestGuestException("interrupted while running " + command.get(0), ex);
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new TestGuestException("cannot read the output of " + command.get(0), ex);
		}
	}

	private static String readAll(InputStream in) {
		try (in) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
