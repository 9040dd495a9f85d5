package io.github.qemuembed.driver.internal.process;

import java.io.File;
import java.io.IOException;
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
import java.util.concurrent.TimeUnit;

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
		CompletableFuture<Process> started = CompletableFuture.supplyAsync(() -> {
			ProcessBuilder builder = new ProcessBuilder(wrap(argv));
			builder.environment().putAll(env);
			if (this.perl) {
				// a locale the host lacks (LANG=de_DE.UTF-8 in a container) would make
				// Perl warn in every QEMU log, and in the messages quoting its tail
				builder.environment().putIfAbsent("PERL_BADLANG", "0");
			}
			builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
			builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
			builder.redirectErrorStream(true);
			try {
				return builder.start();
			}
			catch (IOException ex) {
				throw new EmulatorException("Cannot start " + argv.get(0) + ": " + ex.getMessage(), ex);
			}
		}, this.thread);
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
	 * Ends the launcher thread; with {@code killWithOwner}, children still running
	 * receive SIGKILL now.
	 */
	@Override
	public void close() {
		this.thread.shutdown();
		try {
			this.thread.awaitTermination(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
