package io.github.qemuembed.driver.internal.process;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.error.OperationInterruptedException;

/**
 * Starts QEMU processes as children of this JVM, all from one thread that lives exactly
 * as long as the driver.
 * <p>
 * <b>Orphan guarantee.</b> With {@code killWithOwner}, each child asks the kernel, before
 * it execs its argv, for SIGKILL when its parent goes away ({@code prctl}'s
 * {@code PR_SET_PDEATHSIG}, see {@link LaunchPrefix}), which holds even when the JVM
 * itself is killed with SIGKILL. Linux ties that signal to the parent <em>thread</em>,
 * not the process: a child spawned from a pooled or short-lived thread would die when
 * that thread ends. Hence the single launcher thread, which ends only when the driver
 * closes (after it has stopped its VMs). Without {@code killWithOwner} (only for VMs
 * meant to outlive the application, to be reconnected by the next driver on the same
 * root) children are started without the signal.
 * <p>
 * <b>Terminal signals.</b> Each child leads a process group of its own, so a Ctrl-C in
 * the application's terminal (SIGINT to the foreground process group) reaches the
 * application, which shuts the guests down in order, and not QEMU, which would quit at
 * once. The group is made by Perl's {@code setpgrp} (perl-base is part of every Debian
 * system), or, without Perl, by {@code setsid}: a session of its own is also a group of
 * its own, but with the kernel's autogroup scheduling (the default) every new session is
 * a new scheduling group, and a QEMU started in one took 12 to 25 ms longer to serve its
 * monitor on a busy 2-core machine (docs/performance.md, launch).
 * <p>
 * With Perl, one Perl process does both before it execs the argv; without it (or on an
 * architecture whose {@code prctl} number {@link LaunchPrefix} does not know),
 * {@code setpriv --pdeathsig KILL} comes first.
 * <p>
 * <b>Spare wrapper.</b> Forking the JVM and starting Perl take about 4 ms, a tenth of a
 * guest-less launch (docs/performance.md, launch). With Perl, the launcher keeps one
 * wrapper started ahead of need, from the first start on: it has set itself up (signal,
 * parent check, group) and waits on its stdin for a {@link SpareRequest}. A launch writes
 * the request and closes the pipe; the wrapper opens the log and execs the argv in place,
 * so the process the launch returns is the child, as without a spare. The next spare is
 * started on the launcher thread (the signal follows that thread) when the driver asks
 * for it ({@link #prepareSpare()}), once the child has started up: a spare started while
 * QEMU starts up took CPU time from it. A spare that died meanwhile is dropped and the
 * launch starts its child the usual way. Closing the launcher closes the spare's stdin,
 * on which it exits; should the JVM die first, the pipe closes with it.
 *
 * <pre>
 *  launch(argv) ──► spare? ──yes──► write request, close pipe ──► return spare (now argv)
 *                     │
 *                     no ──► launcher thread: fork wrapper + argv ──► return it
 *
 *  prepareSpare() ──► launcher thread: fork a spare unless one waits
 * </pre>
 */
public final class QemuLauncher implements AutoCloseable {

	private static final String SETPRIV = "setpriv";

	private static final String SETSID = "setsid";

	private static final String PERL = "perl";

	private final ExecutorService thread;

	private final boolean killWithOwner;

	private final List<String> prefix;

	/** Whether the prefix runs Perl. */
	private final boolean perl;

	/** A spare wrapper's command, empty where there are no spares. */
	private final Optional<List<String>> spareCommand;

	/** The spare wrapper waiting for a request, if one is ready. */
	private final AtomicReference<Process> spare = new AtomicReference<>();

	private volatile boolean closed;

	public QemuLauncher(String name, boolean killWithOwner) {
		this.killWithOwner = killWithOwner;
		Optional<String> perl = find(PERL);
		this.prefix = LaunchPrefix
			.of(killWithOwner, perl, find(SETPRIV), find(SETSID), System.getProperty("os.arch", ""),
					ProcessHandle.current().pid())
			.orElseThrow(() -> new EmulatorException("setpriv and setsid (util-linux) are needed to start QEMU as a "
					+ "child that dies with this JVM and ignores the terminal's signals (or Perl, on x86-64 and "
					+ "arm64): install util-linux"));
		this.perl = perl.isPresent() && this.prefix.contains(perl.get());
		this.spareCommand = LaunchPrefix.spare(killWithOwner, perl, System.getProperty("os.arch", ""),
				ProcessHandle.current().pid());
		this.thread = Executors.newSingleThreadExecutor((runnable) -> {
			Thread t = new Thread(runnable, "qemu-embed-launcher-" + name);
			// a daemon: it ends only with the driver or with the JVM, and the children
			// die with it either way
			t.setDaemon(true);
			return t;
		});
	}

	private static Optional<String> find(String tool) {
		for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
			Path candidate = Path.of(dir, tool);
			if (Files.isExecutable(candidate)) {
				return Optional.of(candidate.toString());
			}
		}
		for (String fallback : new String[] { "/usr/bin/" + tool, "/bin/" + tool }) {
			if (Files.isExecutable(Path.of(fallback))) {
				return Optional.of(fallback);
			}
		}
		return Optional.empty();
	}

	public boolean killsWithOwner() {
		return this.killWithOwner;
	}

	/**
	 * The command actually executed for an argv: the argv itself, behind the wrapper that
	 * makes the process group and, when children die with us, asks for the signal.
	 */
	public List<String> wrap(List<String> argv) {
		List<String> command = new ArrayList<>(this.prefix);
		command.addAll(argv);
		return command;
	}

	/**
	 * Starts the argv with stdout and stderr appended to {@code log}, stdin from
	 * /dev/null, and the given extra environment.
	 */
	public Process launch(List<String> argv, Map<String, String> env, Path log) {
		if (this.spareCommand.isEmpty()) {
			return launchWrapped(argv, env, log);
		}
		byte[] request = SpareRequest.encode(argv, env, log);
		Process spare = this.spare.getAndSet(null);
		return (spare != null && handOver(spare, request)) ? spare : launchWrapped(argv, env, log);
	}

	/** The spare wrapper waiting for a launch, if one is ready (for the tests). */
	Optional<ProcessHandle> spare() {
		return Optional.ofNullable(this.spare.get()).map(Process::toHandle);
	}

	/** Forks the wrapper with the argv behind it, on the launcher thread. */
	private Process launchWrapped(List<String> argv, Map<String, String> env, Path log) {
		CompletableFuture<Process> started = CompletableFuture.supplyAsync(() -> start(wrap(argv), env,
				ProcessBuilder.Redirect.appendTo(log.toFile()), ProcessBuilder.Redirect.from(new File("/dev/null"))),
				this.thread);
		try {
			return started.get();
		}
		catch (InterruptedException ex) {
			// the process may still start: whoever interrupted us is closing, and the
			// launcher's end kills it
			throw OperationInterruptedException.restoring("Interrupted while starting " + argv.get(0), ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new EmulatorException("Cannot start " + argv.get(0) + ": " + ex.getCause(), ex.getCause());
		}
	}

	/**
	 * Writes the request to a spare and closes its stdin; false (and the spare dropped)
	 * if it is gone.
	 */
	private static boolean handOver(Process spare, byte[] request) {
		try (OutputStream in = spare.getOutputStream()) {
			in.write(request);
			return true;
		}
		catch (IOException ex) {
			// it died since it was started (killed by someone): the pipe has no reader
			spare.destroyForcibly();
			return false;
		}
	}

	/**
	 * Starts a spare wrapper in the background, unless one waits already or this host has
	 * no spares. Called once a launched child has done its own start-up: a spare started
	 * while QEMU starts competes with it for the CPUs.
	 */
	public void prepareSpare() {
		if (this.spareCommand.isEmpty()) {
			return;
		}
		try {
			this.thread.execute(() -> {
				if (this.closed || this.spare.get() != null) {
					return;
				}
				Process next;
				try {
					next = start(this.spareCommand.get(), Map.of(), ProcessBuilder.Redirect.DISCARD,
							ProcessBuilder.Redirect.PIPE);
				}
				catch (EmulatorException ex) {
					// the next launch starts its child the usual way, and says why
					return;
				}
				// closing takes a spare set here once this thread has ended
				if (this.closed || !this.spare.compareAndSet(null, next)) {
					discard(next);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// closed meanwhile
		}
	}

	/** Ends a spare: on the end of its stdin it exits by itself; SIGKILL to be sure. */
	private static void discard(Process spare) {
		try {
			spare.getOutputStream().close();
		}
		catch (IOException ex) {
			// gone already
		}
		spare.destroyForcibly();
	}

	private Process start(List<String> command, Map<String, String> env, ProcessBuilder.Redirect output,
			ProcessBuilder.Redirect input) {
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.environment().putAll(env);
		if (this.perl) {
			// a locale the host lacks (LANG=de_DE.UTF-8 in a container) would make
			// Perl warn in every QEMU log, and in the messages quoting its tail
			builder.environment().putIfAbsent("PERL_BADLANG", "0");
		}
		builder.redirectInput(input);
		builder.redirectOutput(output);
		builder.redirectErrorStream(true);
		try {
			return builder.start();
		}
		catch (IOException ex) {
			throw new EmulatorException("Cannot start " + command.get(0) + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Ends the launcher thread; with {@code killWithOwner}, children still running
	 * receive SIGKILL now.
	 */
	@Override
	public void close() {
		this.closed = true;
		this.thread.shutdown();
		try {
			this.thread.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		// after the thread: no new spare can appear now
		Process spare = this.spare.getAndSet(null);
		if (spare != null) {
			discard(spare);
		}
	}

}
