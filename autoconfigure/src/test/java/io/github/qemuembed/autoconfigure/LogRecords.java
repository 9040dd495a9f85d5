package io.github.qemuembed.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what the starter logs (through commons-logging, which goes to
 * java.util.logging when, as in these tests, no other logging system is on the
 * classpath), as {@code LEVEL message}.
 */
public final class LogRecords extends Handler implements AutoCloseable {

	private static final Logger starter = Logger.getLogger("io.github.qemuembed");

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private LogRecords() {
		setLevel(Level.ALL);
	}

	public static LogRecords capture() {
		LogRecords records = new LogRecords();
		starter.addHandler(records);
		return records;
	}

	@Override
	public void publish(LogRecord record) {
		this.lines.add(record.getLevel().getName() + " " + record.getMessage());
	}

	public String text() {
		return String.join("\n", this.lines);
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
		starter.removeHandler(this);
	}

}
