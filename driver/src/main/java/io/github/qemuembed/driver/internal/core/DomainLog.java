package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.github.qemuembed.driver.error.HostIoException;

/**
 * {@code log/qemu/NAME.log}: like libvirt, each start appends a header line and the exact
 * command line (so a user can re-run it by hand); then QEMU's stdout/stderr and the
 * serial console output follow.
 */
final class DomainLog {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSXXX");

	private DomainLog() {
	}

	static void appendStart(Path log, String driverVersion, String qemuVersion, Map<String, String> env,
			List<String> command) {
		StringBuilder text = new StringBuilder();
		text.append(now())
			.append(": starting up qemu-embed ")
			.append(driverVersion)
			.append(", QEMU ")
			.append(qemuVersion)
			.append('\n');
		env.forEach((k, v) -> text.append(k).append('=').append(shellQuote(v)).append(' '));
		text.append(command.stream().map(DomainLog::shellQuote).collect(Collectors.joining(" "))).append('\n');
		append(log, text.toString());
	}

	static void appendLine(Path log, String line) {
		append(log, now() + ": " + line + "\n");
	}

	private static void append(Path log, String text) {
		try {
			Files.writeString(log, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot write " + log, ex);
		}
	}

	private static String now() {
		return OffsetDateTime.now(ZoneOffset.UTC).format(TIME);
	}

	static String shellQuote(String arg) {
		if (!arg.isEmpty()
				&& arg.chars().allMatch((c) -> Character.isLetterOrDigit(c) || "-_./=:,@+%".indexOf(c) >= 0)) {
			return arg;
		}
		return "'" + arg.replace("'", "'\\''") + "'";
	}

	/**
	 * The last {@code maxBytes} of the log as text (for error messages: why QEMU failed
	 * to start).
	 */
	static String tail(Path log, int maxBytes) {
		try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
			long length = file.length();
			long start = Math.max(0, length - maxBytes);
			byte[] bytes = new byte[(int) (length - start)];
			file.seek(start);
			file.readFully(bytes);
			return new String(bytes, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

}
