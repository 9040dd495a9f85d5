package io.github.qemuembed.console;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The console's history for a browser that connects: the end of
 * {@code log/qemu/NAME.log}, where QEMU appends everything the guest writes to its serial
 * console, from the last start on. The driver's start header and QEMU's command line,
 * which open each run in that log, are left out: a terminal shows what the guest wrote.
 */
final class ConsoleHistory {

	/**
	 * The driver's start header (see the driver's DomainLog): a time, then "starting up
	 * qemu-embed".
	 */
	private static final Pattern START = Pattern.compile(
			"(?m)^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\S*: starting up qemu-embed [^\\n]*\\n[^\\n]*\\n");

	private ConsoleHistory() {
	}

	/** At most {@code maxBytes} of the log's end, from the last run's output on. */
	static byte[] read(Path log, long maxBytes) {
		if (maxBytes <= 0 || !Files.isRegularFile(log)) {
			return new byte[0];
		}
		try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
			long length = file.length();
			long start = Math.max(0, length - maxBytes);
			byte[] bytes = new byte[(int) (length - start)];
			file.seek(start);
			file.readFully(bytes);
			return lastRun(bytes, start > 0);
		}
		catch (IOException ex) {
			return new byte[0];
		}
	}

	/**
	 * The part of a log's end after its last start header. {@code truncated}: the bytes
	 * do not begin at the log's beginning, so a first partial line is dropped when no
	 * header is in them.
	 */
	static byte[] lastRun(byte[] bytes, boolean truncated) {
		// ISO-8859-1 maps each byte to one char: offsets in the text are offsets in the
		// bytes
		String text = new String(bytes, StandardCharsets.ISO_8859_1);
		Matcher matcher = START.matcher(text);
		int from = -1;
		while (matcher.find()) {
			from = matcher.end();
		}
		if (from < 0) {
			from = 0;
			if (truncated) {
				int newline = text.indexOf('\n');
				from = (newline < 0) ? bytes.length : newline + 1;
			}
		}
		return Arrays.copyOfRange(bytes, from, bytes.length);
	}

}
