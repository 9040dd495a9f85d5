package io.github.qemuembed.driver.internal.core;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the small files of {@code /proc} and {@code /sys/fs/cgroup} that every start
 * reads. A plain stream: {@code Files.readAllBytes} asks the file's size first (which
 * these files do not report) and goes through several layers of channels, which costs a
 * start about four times as much before the JIT has compiled them.
 */
final class ProcFiles {

	private ProcFiles() {
	}

	/** The file's bytes. */
	static byte[] readBytes(Path file) throws IOException {
		try (FileInputStream in = new FileInputStream(file.toString())) {
			return in.readAllBytes();
		}
	}

	/** The file's text (ASCII), null when it cannot be read (missing, a directory). */
	static String readOrNull(Path file) {
		try {
			return new String(readBytes(file), StandardCharsets.US_ASCII);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

}
