package io.github.qemuembed.testsupport.console;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.error.QemuEmbedException;

/**
 * A test's view of a guest's serial console, over any pair of streams (a
 * {@link io.github.qemuembed.driver.DomainConsole}, a socket, a QEMU process's standard
 * I/O): wait for text, type lines, and run shell commands with their output and exit
 * code.
 * <p>
 * A daemon thread reads the console from the moment this object is created and keeps a
 * transcript (carriage returns removed; the oldest part is dropped beyond
 * {@value #MAX_TRANSCRIPT_CHARS} characters). Waits start at a cursor that each
 * successful wait moves past what it matched, so one marker is not matched twice. A wait
 * that times out throws {@link OperationTimeoutException} whose message ends with the
 * tail of the console; when the console closes first it throws {@link QemuEmbedException}
 * with the same tail.
 * <p>
 * {@link #run} types {@code echo BEGIN; eval 'COMMAND'; echo END_$?} as one line, where
 * the markers carry a random nonce and are quoted so that an echo of the typed line
 * (should the terminal echo) never looks like the printed marker. It works with the test
 * guest's shell and with any POSIX shell on the console. Commands run one at a time; a
 * command that reads its standard input reads the console.
 */
public final class GuestConsole implements Closeable {

	/** Characters of transcript kept; older output is dropped. */
	public static final int MAX_TRANSCRIPT_CHARS = 4 * 1024 * 1024;

	private static final int TAIL_LINES = 40;

	private static final SecureRandom random = new SecureRandom();

	private final InputStream fromGuest;

	private final OutputStream toGuest;

	private final Thread reader;

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition changed = this.lock.newCondition();

	private final Object commandLock = new Object();

	// Guarded by lock.

	private final StringBuilder transcript = new StringBuilder();

	private int cursor;

	private boolean ended;

	private Throwable endCause;

	private volatile Consumer<String> mirror;

	/**
	 * Attaches to a console.
	 * @param fromGuest what the guest writes
	 * @param toGuest what is typed into the guest
	 */
	public GuestConsole(InputStream fromGuest, OutputStream toGuest) {
		this.fromGuest = Objects.requireNonNull(fromGuest, "fromGuest");
		this.toGuest = Objects.requireNonNull(toGuest, "toGuest");
		this.reader = new Thread(this::readLoop, "qemu-embed-guest-console");
		this.reader.setDaemon(true);
		this.reader.start();
	}

	/**
	 * Also hands every piece of console text, as it arrives, to {@code mirror} (for
	 * logs).
	 */
	public GuestConsole mirrorTo(Consumer<String> mirror) {
		this.mirror = mirror;
		return this;
	}

	/**
	 * Waits until {@code text} appears after the cursor, and moves the cursor past it.
	 * @return the whole line the text is on, as far as it has arrived
	 */
	public String awaitText(String text, Duration timeout) {
		Objects.requireNonNull(text, "text");
		return await(Pattern.compile(Pattern.quote(text)), timeout, "'" + text + "'").line;
	}

	/**
	 * Waits until a complete line (ended by a newline) after the cursor matches
	 * {@code pattern} ({@link Matcher#find()}), and moves the cursor past that line.
	 * @return the line, without its newline
	 */
	public String awaitLine(Pattern pattern, Duration timeout) {
		Objects.requireNonNull(pattern, "pattern");
		Pattern wholeLine = Pattern.compile("(?m)^.*(?:" + pattern.pattern() + ").*\n", pattern.flags());
		Found found = await(wholeLine, timeout, "a line matching /" + pattern.pattern() + "/");
		return found.match().substring(0, found.match().length() - 1);
	}

	/** Types {@code text} as it is. */
	public void send(String text) {
		try {
			this.toGuest.write(text.getBytes(StandardCharsets.UTF_8));
			this.toGuest.flush();
		}
		catch (IOException ex) {
			throw new QemuEmbedException(ErrorCode.OPERATION_FAILED,
					"cannot write to the console: " + ex.getMessage() + tailSection(), ex);
		}
	}

	/** Types {@code line} and a newline. */
	public void sendLine(String line) {
		send(line + "\n");
	}

	/**
	 * Runs a shell command at the console's shell prompt and waits for it to finish.
	 * @param command a shell command; may span lines, may change the shell's state
	 * ({@code cd}, variables)
	 * @param timeout how long the command may take
	 * @return its exit code and what it printed (standard output and error, as the
	 * console shows them)
	 */
	public ShellResult run(String command, Duration timeout) {
		Objects.requireNonNull(command, "command");
		synchronized (this.commandLock) {
			String nonce = HexFormat.of().formatHex(randomBytes());
			String begin = "__QE_BEGIN_" + nonce;
			String end = "__QE_END_" + nonce + "_";
			// The quotes split each marker in the typed text, so an echo of the line
			// never matches.
			sendLine("echo '__QE_BEGIN'_" + nonce + "; eval '" + command.replace("'", "'\\''") + "'; echo '__QE_END'_"
					+ nonce + "_$?");
			long deadline = System.nanoTime() + timeout.toNanos();
			String what = "the command '" + abbreviate(command) + "'";
			await(Pattern.compile(Pattern.quote(begin) + "\n"), remaining(deadline), "the start of " + what);
			Found found = await(Pattern.compile(Pattern.quote(end) + "(\\d+)\n"), remaining(deadline),
					"the end of " + what);
			int exitCode = Integer.parseInt(found.groups()[1]);
			return new ShellResult(command, exitCode, found.before);
		}
	}

	/**
	 * Like {@link #run}, and fails with {@link AssertionError} (console tail included)
	 * unless the command exits with 0.
	 */
	public String runSuccessfully(String command, Duration timeout) {
		ShellResult result = run(command, timeout);
		if (result.exitCode() != 0) {
			throw new AssertionError("'" + abbreviate(command) + "' exited with " + result.exitCode() + ", output:\n"
					+ result.output() + tailSection());
		}
		return result.output();
	}

	/**
	 * Everything read so far (up to {@link #MAX_TRANSCRIPT_CHARS}), carriage returns
	 * removed.
	 */
	public String transcript() {
		this.lock.lock();
		try {
			return this.transcript.toString();
		}
		finally {
			this.lock.unlock();
		}
	}

	/** The last {@code lines} lines of the transcript. */
	public String tail(int lines) {
		if (lines <= 0) {
			return "";
		}
		String text = transcript();
		int at = text.length();
		// Skip a trailing newline so that it does not count as an empty last line.
		int searchFrom = text.endsWith("\n") ? at - 2 : at - 1;
		for (int found = 0; found < lines && searchFrom >= 0; found++) {
			at = text.lastIndexOf('\n', searchFrom);
			if (at < 0) {
				return text;
			}
			searchFrom = at - 1;
		}
		return (at >= text.length()) ? text : text.substring(at + 1);
	}

	/** Whether the console has ended (the guest side closed it, or {@link #close()}). */
	public boolean isEnded() {
		this.lock.lock();
		try {
			return this.ended;
		}
		finally {
			this.lock.unlock();
		}
	}

	/** Stops reading and closes both streams. */
	@Override
	public void close() {
		closeQuietly(this.toGuest);
		closeQuietly(this.fromGuest);
		this.reader.interrupt();
	}

	private Found await(Pattern pattern, Duration timeout, String what) {
		long deadline = System.nanoTime() + timeout.toNanos();
		this.lock.lock();
		try {
			while (true) {
				Matcher matcher = pattern.matcher(this.transcript);
				// A region, so that '^' also matches at the cursor when it is in the
				// middle of a line.
				matcher.region(this.cursor, this.transcript.length());
				if (matcher.find()) {
					String before = this.transcript.substring(this.cursor, matcher.start());
					int lineStart = this.transcript.lastIndexOf("\n", matcher.start() - 1) + 1;
					int lineEnd = this.transcript.indexOf("\n", Math.max(matcher.start(), matcher.end() - 1));
					String line = this.transcript.substring(lineStart,
							(lineEnd < 0) ? this.transcript.length() : lineEnd);
					this.cursor = matcher.end();
					String[] groups = new String[matcher.groupCount() + 1];
					for (int i = 0; i < groups.length; i++) {
						groups[i] = matcher.group(i);
					}
					return new Found(groups, before, line);
				}
				if (this.ended) {
					throw new QemuEmbedException(ErrorCode.OPERATION_FAILED, "the console closed while waiting for "
							+ what + ((this.endCause != null) ? " (" + this.endCause + ")" : "") + tailSection());
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new OperationTimeoutException(
							"no " + what + " on the console within " + formatDuration(timeout) + tailSection());
				}
				this.changed.awaitNanos(left);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new QemuEmbedException(ErrorCode.OPERATION_FAILED, "interrupted while waiting for " + what, ex);
		}
		finally {
			this.lock.unlock();
		}
	}

	private void readLoop() {
		char[] buffer = new char[8192];
		Throwable cause = null;
		try (Reader in = new InputStreamReader(this.fromGuest, StandardCharsets.UTF_8)) {
			int n;
			while ((n = in.read(buffer)) >= 0) {
				String text = new String(buffer, 0, n).replace("\r", "");
				append(text);
				Consumer<String> sink = this.mirror;
				if (sink != null && !text.isEmpty()) {
					sink.accept(text);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			cause = ex;
		}
		this.lock.lock();
		try {
			this.ended = true;
			this.endCause = cause;
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private void append(String text) {
		this.lock.lock();
		try {
			this.transcript.append(text);
			int excess = this.transcript.length() - MAX_TRANSCRIPT_CHARS;
			if (excess > 0) {
				// Drop a quarter more than needed so trimming is rare.
				int drop = Math.min(this.transcript.length(), excess + MAX_TRANSCRIPT_CHARS / 4);
				this.transcript.delete(0, drop);
				this.cursor = Math.max(0, this.cursor - drop);
			}
			this.changed.signalAll();
		}
		finally {
			this.lock.unlock();
		}
	}

	private String tailSection() {
		return "\n--- console (last " + TAIL_LINES + " lines) ---\n" + tail(TAIL_LINES) + "\n--- end of console ---";
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
	}

	private static String formatDuration(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

	private static String abbreviate(String command) {
		String oneLine = command.replace('\n', ' ');
		return (oneLine.length() <= 80) ? oneLine : oneLine.substring(0, 77) + "...";
	}

	private static byte[] randomBytes() {
		byte[] bytes = new byte[6];
		random.nextBytes(bytes);
		return bytes;
	}

	private static void closeQuietly(Closeable closeable) {
		try {
			closeable.close();
		}
		catch (IOException ex) {
			// Closing is best effort; the reader ends either way.
		}
	}

	/**
	 * A match, copied out of the transcript (which changes once the lock is released).
	 */
	private record Found(String[] groups, String before, String line) {

		String match() {
			return this.groups[0];
		}

	}

}
