package io.github.qemuembed.driver.internal.core;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.error.HostIoException;

/**
 * {@code log/qemu/NAME.log}: like libvirt, each start appends a header line and the exact
 * command line (so a user can re-run it by hand); then QEMU's stdout/stderr and the
 * serial console output follow.
 */
final class DomainLog {

	/** Characters an argument may have and still be shown without quotes. */
	private static final String PLAIN = "-_./=:,@+%";

	private DomainLog() {
	}

	static void appendStart(Path log, String driverVersion, String qemuVersion, Map<String, String> env,
			List<String> command) {
		StringBuilder text = new StringBuilder(1024);
		appendNow(text);
		text.append(": starting up qemu-embed ")
			.append(driverVersion)
			.append(", QEMU ")
			.append(qemuVersion)
			.append('\n');
		for (Map.Entry<String, String> variable : env.entrySet()) {
			text.append(variable.getKey()).append('=').append(shellQuote(variable.getValue())).append(' ');
		}
		for (int i = 0; i < command.size(); i++) {
			if (i > 0) {
				text.append(' ');
			}
			text.append(shellQuote(command.get(i)));
		}
		append(log, text.append('\n').toString());
	}

	static void appendLine(Path log, String line) {
		StringBuilder text = new StringBuilder();
		appendNow(text);
		append(log, text.append(": ").append(line).append('\n').toString());
	}

	// a plain stream rather than Files.writeString: fewer layers to run through before
	// the JIT has compiled them, on the path of every start
	private static void append(Path log, String text) {
		try (FileOutputStream out = new FileOutputStream(log.toString(), true)) {
			out.write(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot write " + log, ex);
		}
	}

	/** The time now in UTC, as {@code yyyy-MM-dd HH:mm:ss.SSSZ}. */
	private static void appendNow(StringBuilder text) {
		appendTime(text, LocalDateTime.now(ZoneOffset.UTC));
	}

	static void appendTime(StringBuilder text, LocalDateTime utc) {
		text.append(utc.getYear()).append('-');
		pad(text, utc.getMonthValue(), 2).append('-');
		pad(text, utc.getDayOfMonth(), 2).append(' ');
		pad(text, utc.getHour(), 2).append(':');
		pad(text, utc.getMinute(), 2).append(':');
		pad(text, utc.getSecond(), 2).append('.');
		pad(text, utc.getNano() / 1_000_000, 3).append('Z');
	}

	private static StringBuilder pad(StringBuilder text, int value, int digits) {
		for (int limit = 10, i = 1; i < digits; i++, limit *= 10) {
			if (value < limit) {
				text.append('0');
			}
		}
		return text.append(value);
	}

	static String shellQuote(String arg) {
		if (arg.isEmpty()) {
			return "''";
		}
		for (int i = 0; i < arg.length(); i++) {
			char c = arg.charAt(i);
			if (!Character.isLetterOrDigit(c) && PLAIN.indexOf(c) < 0) {
				return "'" + arg.replace("'", "'\\''") + "'";
			}
		}
		return arg;
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
