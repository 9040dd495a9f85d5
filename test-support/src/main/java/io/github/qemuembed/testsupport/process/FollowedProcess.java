package io.github.qemuembed.testsupport.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A process started for a test, with its output (standard output and error together) read
 * line by line from the start, so that a test can wait for a line and, after the process
 * ended, read all of it.
 */
public final class FollowedProcess implements AutoCloseable {

	private final Process process;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final Thread reader;

	private FollowedProcess(Process process) {
		this.process = process;
		this.reader = new Thread(this::read, "output of pid " + process.pid());
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Starts {@code builder}'s command with its error stream merged into its output, and
	 * follows it.
	 */
	public static FollowedProcess start(ProcessBuilder builder) throws IOException {
		return new FollowedProcess(builder.redirectErrorStream(true).start());
	}

	private void read() {
		try (BufferedReader in = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = in.readLine()) != null) {
				this.lines.add(line);
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	public long pid() {
		return this.process.pid();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** The lines read so far. */
	public List<String> lines() {
		return List.copyOf(this.lines);
	}

	/** Whether a line read so far contains {@code text}. */
	public boolean printed(String text) {
		return this.lines.stream().anyMatch((line) -> line.contains(text));
	}

	/** The output so far, one line after the other, for failure messages. */
	public String output() {
		return String.join("\n", this.lines);
	}

	/**
	 * Sends a signal ({@code TERM}, {@code INT}, {@code KILL}, ...) with {@code kill}.
	 */
	public void signal(String name) throws IOException, InterruptedException {
		new ProcessBuilder("kill", "-" + name, Long.toString(pid())).start().waitFor();
	}

	/**
	 * Waits for the process to exit, then for its output to be read to the end.
	 * @return whether it exited within {@code timeout}
	 */
	public boolean awaitExit(Duration timeout) throws InterruptedException {
		if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			return false;
		}
		this.reader.join(TimeUnit.SECONDS.toMillis(10));
		return true;
	}

	/** The exit status; the process must have exited. */
	public int exitValue() {
		return this.process.exitValue();
	}

	/** Kills the process if it still runs, and waits for it. */
	@Override
	public void close() throws InterruptedException {
		this.process.destroyForcibly();
		this.process.waitFor(30, TimeUnit.SECONDS);
	}

}
