package io.github.qemuembed.sample;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.qemuembed.driver.QemuDriver;

import org.springframework.stereotype.Component;

/**
 * The last few KiB of a domain's log ({@code log/qemu/NAME.log} under the root), where
 * QEMU appends everything the guest writes to its serial console. Read from the log
 * rather than from a live console: QEMU serves one console client at a time, and that one
 * is the browser console's (qemu-embed-console, on {@code http://localhost:8080/}).
 */
@Component
class ConsoleTails {

	private static final int CAPACITY = 16 * 1024;

	private final Path logs;

	ConsoleTails(QemuDriver driver) {
		// read once, as the application itself
		this.logs = driver.root().resolve("log").resolve("qemu");
	}

	String tail(String name) {
		Path log = this.logs.resolve(name + ".log");
		if (!Files.isRegularFile(log)) {
			return "";
		}
		try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
			long start = Math.max(0, file.length() - CAPACITY);
			byte[] bytes = new byte[(int) (file.length() - start)];
			file.seek(start);
			file.readFully(bytes);
			return new String(bytes, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

}
