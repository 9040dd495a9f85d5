package io.github.qemuembed.testsupport.junit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.error.DomainNotFoundException;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.console.ShellResult;
import io.github.qemuembed.testsupport.guest.TestGuest;
import io.github.qemuembed.testsupport.process.GuestClock;

/**
 * A VM of a {@link QemuTest}: its {@link Domain}, and helpers for its serial console (run
 * a shell command, wait for a line) and its state.
 * <p>
 * The console stays connected while the domain runs (QEMU serves one console client at a
 * time, so use {@link #console()} rather than {@link Domain#openConsole()}); it
 * reconnects by itself when the domain was restarted. Everything it read is kept for
 * failure reports.
 */
public final class GuestVm {

	/** Timeout of {@link #run(String)} and {@link #runSuccessfully(String)}. */
	public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);

	private static final int REPORT_CONSOLE_LINES = 80;

	private static final int REPORT_LOG_LINES = 120;

	private final Domain domain;

	private final Path logFile;

	private final Object consoleLock = new Object();

	private final StringBuilder earlierConsoles = new StringBuilder();

	private GuestConsole console;

	GuestVm(Domain domain, Path logFile) {
		this.domain = domain;
		this.logFile = logFile;
	}

	/** The domain. */
	public Domain domain() {
		return this.domain;
	}

	public String name() {
		return this.domain.name();
	}

	/**
	 * The console of the running domain, connected on first use and again after a
	 * restart.
	 * @throws io.github.qemuembed.driver.error.InvalidOperationException if the domain is
	 * not running
	 */
	public GuestConsole console() {
		synchronized (this.consoleLock) {
			if (this.console == null || this.console.isEnded()) {
				if (this.console != null) {
					this.earlierConsoles.append(this.console.transcript());
					this.console.close();
				}
				DomainConsole connection = this.domain.openConsole();
				this.console = new GuestConsole(connection.output(), connection.input());
			}
			return this.console;
		}
	}

	/**
	 * Waits for the test guest's {@linkplain TestGuest#READY_MARKER ready marker} on the
	 * console.
	 */
	public void awaitReady(Duration timeout) {
		console().awaitText(TestGuest.READY_MARKER, timeout);
	}

	/**
	 * Waits for the ready marker of the boot that started when the QEMU log was
	 * {@code logOffset} bytes long. The console sees only what comes after it connected;
	 * should the guest have been faster than that (a long stall of the test JVM), the
	 * marker is in the log, which QEMU also writes the console to.
	 */
	void awaitReadySince(long logOffset, Duration timeout) {
		// the timeout counts the guest's time, not the host's load (see GuestClock); a
		// guest starved for more
		// than five times that is a host problem worth a failure of its own
		GuestClock clock = GuestClock.start(this.domain.info().pid().orElse(-1L));
		Duration starvationCap = timeout.multipliedBy(5);
		while (true) {
			try {
				console().awaitText(TestGuest.READY_MARKER, Duration.ofSeconds(1));
				return;
			}
			catch (QemuEmbedException ex) {
				// a timeout of the slice, a console that closed, or a domain no longer
				// running: look closer
				if (logSince(logOffset).contains(TestGuest.READY_MARKER)) {
					return;
				}
				if (!clock.processAlive()) {
					throw new OperationTimeoutException(
							"QEMU of the test guest '" + name() + "' exited before the guest " + "printed "
									+ TestGuest.READY_MARKER + "\n"
									+ section("QEMU log " + this.logFile + " (last 40 lines)", tail(qemuLog(), 40)),
							ex);
				}
				boolean tooSlow = clock.elapsed().compareTo(timeout) >= 0;
				if (tooSlow || clock.wallElapsed().compareTo(starvationCap) >= 0) {
					throw new OperationTimeoutException("the test guest '" + name() + "' did not print "
							+ TestGuest.READY_MARKER + " within " + timeout.toSeconds() + " s of guest time ("
							+ clock.wallElapsed().toSeconds() + " s of wall time; "
							+ (tooSlow ? "boot too slow, or stuck" : "QEMU starved of CPU by the host's load")
							+ ": see its console below)\n"
							+ section("console of '" + name() + "' (last 40 lines)", tail(consoleTranscript(), 40)),
							ex);
				}
			}
		}
	}

	/** The size of the QEMU log now (0 if there is none yet). */
	static long logSize(Path logFile) {
		try {
			return Files.size(logFile);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private String logSince(long offset) {
		try (RandomAccessFile file = new RandomAccessFile(this.logFile.toFile(), "r")) {
			long length = file.length();
			if (length <= offset) {
				return "";
			}
			byte[] bytes = new byte[(int) Math.min(length - offset, 16 * 1024 * 1024)];
			file.seek(offset);
			file.readFully(bytes);
			return new String(bytes, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * Runs a shell command on the console (see {@link GuestConsole#run}), with a 60 s
	 * timeout.
	 */
	public ShellResult run(String command) {
		return run(command, DEFAULT_COMMAND_TIMEOUT);
	}

	public ShellResult run(String command, Duration timeout) {
		return console().run(command, timeout);
	}

	/** Runs a command and returns its output; fails unless it exits with 0. */
	public String runSuccessfully(String command) {
		return console().runSuccessfully(command, DEFAULT_COMMAND_TIMEOUT);
	}

	/** Waits for text on the console (see {@link GuestConsole#awaitText}). */
	public String awaitConsole(String text, Duration timeout) {
		return console().awaitText(text, timeout);
	}

	/**
	 * Waits for a console line matching {@code pattern} (see
	 * {@link GuestConsole#awaitLine}).
	 */
	public String awaitConsoleLine(Pattern pattern, Duration timeout) {
		return console().awaitLine(pattern, timeout);
	}

	/**
	 * Waits until the domain is in {@code state}.
	 * @return its status then
	 * @throws OperationTimeoutException with the last status and the QEMU log's tail
	 * otherwise
	 */
	public DomainStatus awaitState(DomainState state, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		DomainStatus status = currentStatus();
		while (status.state() != state) {
			if (System.nanoTime() - deadline >= 0) {
				throw new OperationTimeoutException(
						"domain '" + name() + "' did not reach state " + state + " within " + timeout.toMillis()
								+ " ms; it is " + status + "\n" + section("QEMU log", tail(qemuLog(), 30)));
			}
			sleep(Duration.ofMillis(50));
			status = currentStatus();
		}
		return status;
	}

	/**
	 * The domain's status; a transient domain that stopped is forgotten by the driver,
	 * and counts as shut off here.
	 */
	private DomainStatus currentStatus() {
		try {
			return this.domain.status();
		}
		catch (DomainNotFoundException ex) {
			return DomainStatus.of(StateReason.SHUTOFF_UNKNOWN);
		}
	}

	/**
	 * Presses the ACPI power button and waits up to {@code timeout} for the guest to
	 * power off (then stops it by force: see {@link Domain#shutdown(Duration)}).
	 * @return whether the guest powered off by itself
	 */
	public boolean shutdown(Duration timeout) {
		return this.domain.shutdown(timeout);
	}

	/** Everything read from the console so far, across restarts. */
	public String consoleTranscript() {
		synchronized (this.consoleLock) {
			return this.earlierConsoles + ((this.console != null) ? this.console.transcript() : "");
		}
	}

	/**
	 * The QEMU log of this domain ({@code ROOT/log/qemu/NAME.log}): command line, QEMU's
	 * messages and the console.
	 */
	public String qemuLog() {
		try {
			return Files.readString(this.logFile, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "(no QEMU log at " + this.logFile + ": " + ex.getMessage() + ")";
		}
	}

	public Path logFile() {
		return this.logFile;
	}

	/** A report for a failed test: status, console and QEMU log (tails). */
	String diagnostics() {
		String status;
		try {
			status = currentStatus().toString();
		}
		catch (QemuEmbedException ex) {
			status = "unknown (" + ex.getMessage() + ")";
		}
		return "VM '" + name() + "' is " + status + "\n"
				+ section("console of '" + name() + "' (last " + REPORT_CONSOLE_LINES + " lines)",
						tail(consoleTranscript(), REPORT_CONSOLE_LINES))
				+ section("QEMU log " + this.logFile + " (last " + REPORT_LOG_LINES + " lines)",
						tail(qemuLog(), REPORT_LOG_LINES));
	}

	/**
	 * Destroys the domain if it runs and undefines it if it is persistent; closes the
	 * console.
	 */
	void dispose() {
		RuntimeException failure = null;
		try {
			if (currentStatus().isActive()) {
				this.domain.destroy();
			}
		}
		catch (DomainNotFoundException ex) {
			// A transient domain that stopped in the meantime: nothing left to destroy.
		}
		catch (RuntimeException ex) {
			failure = ex;
		}
		try {
			if (this.domain.isPersistent()) {
				this.domain.undefine();
			}
		}
		catch (DomainNotFoundException ex) {
			// Gone already.
		}
		catch (RuntimeException ex) {
			if (failure == null) {
				failure = ex;
			}
			else {
				failure.addSuppressed(ex);
			}
		}
		synchronized (this.consoleLock) {
			if (this.console != null) {
				this.earlierConsoles.append(this.console.transcript());
				this.console.close();
				this.console = null;
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	@Override
	public String toString() {
		return "GuestVm[" + name() + "]";
	}

	static String tail(String text, int lines) {
		List<String> all = text.lines().toList();
		return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
	}

	private static String section(String title, String body) {
		return "--- " + title + " ---\n" + body + (body.endsWith("\n") || body.isEmpty() ? "" : "\n");
	}

	private static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new QemuEmbedException(ErrorCode.OPERATION_FAILED, "interrupted while waiting for a domain state",
					ex);
		}
	}

}
