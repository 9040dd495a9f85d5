package io.github.qemuembed.driver.internal.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.internal.fs.FileTrees;

/**
 * {@code run [--root DIR] [--accel auto|kvm|tcg] [--shutdown-timeout DURATION] FILE}:
 * qemu-embed's {@code virt-qemu-run}. Starts the domain as a transient domain and blocks
 * until it stops, printing its state changes. Without {@code --root} a temporary root is
 * used and deleted at exit.
 * <p>
 * <b>Signals.</b> SIGINT and SIGTERM ask for a stop, whenever they arrive once the
 * command runs: before the driver is open nothing is started; while the domain starts
 * (QEMU launching, QMP connecting) the start is finished and the domain destroyed at
 * once, because its guest has not run yet; once it runs the guest is shut down gracefully
 * (ACPI), and forced after the timeout. Only the main thread acts on the domain: the
 * signal hook just asks it to and waits for it, so no signal is lost whatever the main
 * thread is doing.
 * <p>
 * <b>Exit status.</b> 0 when the guest powered off by itself or after a signal, or when a
 * signal came before the guest ran; 1 when it stopped for another reason (crash, forced
 * after the timeout, failed start); 2 on usage errors. A signal never ends the command
 * with the JVM's own 128+signal status, except one that arrives while the JVM itself is
 * still starting, before anything was started.
 */
final class RunCommand {

	static final String USAGE = "usage: run [--root DIR] [--accel auto|kvm|tcg] [--shutdown-timeout DURATION] FILE";

	/**
	 * How long the signal hook waits beyond the shutdown timeout for a start and the
	 * reporting to end.
	 */
	private static final Duration SIGNAL_MARGIN = Duration.ofSeconds(60);

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

	private final PrintStream out;

	private final PrintStream err;

	/**
	 * Completed by the signal hook: the JVM is shutting down, so the result must leave
	 * through {@code halt}.
	 */
	private final CompletableFuture<Void> stopRequested = new CompletableFuture<>();

	private final CountDownLatch finished = new CountDownLatch(1);

	RunCommand(PrintStream out, PrintStream err) {
		this.out = out;
		this.err = err;
	}

	int run(List<String> args) {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			this.err.println(ex.getMessage());
			this.err.println(USAGE);
			return 2;
		}
		String xml;
		try {
			xml = Files.readString(options.file);
		}
		catch (IOException ex) {
			this.err.println("Cannot read " + options.file + ": " + ex.getMessage());
			return 2;
		}
		Thread onSignal = new Thread(() -> awaitMainThread(options), "qemu-embed-run-signal");
		Runtime.getRuntime().addShutdownHook(onSignal);
		Path root = options.root;
		boolean temporaryRoot = root == null;
		int status = 1;
		try {
			if (temporaryRoot) {
				root = Files.createTempDirectory(Path.of("/tmp"), "qemu-embed-run-");
			}
			status = runIn(root.toAbsolutePath(), xml, options);
			return status;
		}
		catch (IOException ex) {
			this.err.println("Cannot create a temporary root: " + ex.getMessage());
			return status;
		}
		finally {
			if (temporaryRoot && root != null) {
				FileTrees.deleteQuietly(root);
			}
			if (this.stopRequested.isDone()) {
				// shutdown hooks are running (the signal hook waits for us): System.exit
				// would block, and a
				// normal end of the hooks would report the signal instead of the guest's
				// fate
				this.out.flush();
				this.err.flush();
				Runtime.getRuntime().halt(status);
			}
			this.finished.countDown();
			try {
				Runtime.getRuntime().removeShutdownHook(onSignal);
			}
			catch (IllegalStateException ex) {
				// shutting down meanwhile: the hook runs and returns at once, since we
				// have finished
			}
		}
	}

	/**
	 * The signal hook: asks the main thread to stop the domain, then waits until it has
	 * reported.
	 */
	private void awaitMainThread(Options options) {
		this.stopRequested.complete(null);
		try {
			this.finished.await(options.shutdownTimeout.plus(SIGNAL_MARGIN).toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private int runIn(Path root, String xml, Options options) {
		CompletableFuture<DomainStatus> stopped = new CompletableFuture<>();
		print("opening root " + root);
		QemuDriver driver;
		try {
			driver = QemuDriver.open(DriverConfig.builder(root)
				.accel(options.accel)
				// the command's user owns the VM it runs
				.accessPolicy(AccessPolicy.allowAll())
				.build());
		}
		catch (QemuEmbedException ex) {
			this.err.println("error: " + ex.getMessage());
			return 1;
		}
		try {
			if (this.stopRequested.isDone()) {
				print("signal received before the domain started: nothing to stop");
				return 0;
			}
			driver.addListener((event) -> onEvent(event, stopped));
			Domain domain;
			try {
				domain = driver.createTransient(xml);
			}
			catch (QemuEmbedException ex) {
				this.err.println("error: " + ex.getMessage());
				return 1;
			}
			print("domain '" + domain.name() + "' started (pid " + domain.info().pid().orElse(-1) + ", root " + root
					+ ")");
			if (this.stopRequested.isDone() && !stopped.isDone()) {
				print("signal received while the domain was starting: destroying it before its guest runs");
				destroyQuietly(domain);
				DomainStatus end = stopped.join();
				print("domain '" + domain.name() + "' stopped: " + end);
				return 0;
			}
			CompletableFuture.anyOf(stopped, this.stopRequested).join();
			if (!stopped.isDone()) {
				print("signal received: shutting the guest down (forced after " + options.shutdownTimeout + ")");
				shutdownQuietly(domain, options.shutdownTimeout);
			}
			DomainStatus end = stopped.join();
			print("domain '" + domain.name() + "' stopped: " + end);
			return (end.reason() == StateReason.SHUTOFF_SHUTDOWN) ? 0 : 1;
		}
		finally {
			driver.close();
		}
	}

	private static void destroyQuietly(Domain domain) {
		try {
			domain.destroy();
		}
		catch (QemuEmbedException ex) {
			// it stopped meanwhile: the STOPPED event says how
		}
	}

	private static void shutdownQuietly(Domain domain, Duration timeout) {
		try {
			domain.shutdown(timeout);
		}
		catch (QemuEmbedException ex) {
			// it stopped meanwhile: the STOPPED event says how
		}
	}

	private void onEvent(DomainEvent event, CompletableFuture<DomainStatus> stopped) {
		print(event.type().name().toLowerCase(Locale.ROOT) + " -> " + event.status()
				+ (event.detail().isEmpty() ? "" : " (" + event.detail() + ")"));
		if (event.type() == DomainEventType.STOPPED) {
			stopped.complete(event.status());
		}
	}

	private void print(String line) {
		this.out.println(LocalTime.now().format(TIME) + " " + line);
		this.out.flush();
	}

	/** Parsed arguments. */
	static final class Options {

		Path root;

		Accel accel = Accel.AUTO;

		Duration shutdownTimeout = Duration.ofSeconds(30);

		Path file;

		static Options parse(List<String> args) {
			Options options = new Options();
			List<String> files = new ArrayList<>();
			for (int i = 0; i < args.size(); i++) {
				String arg = args.get(i);
				switch (arg) {
					case "--root" -> options.root = Path.of(value(args, ++i, arg));
					case "--accel" -> options.accel = accel(value(args, ++i, arg));
					case "--shutdown-timeout" -> options.shutdownTimeout = duration(value(args, ++i, arg));
					default -> {
						if (arg.startsWith("--")) {
							throw new IllegalArgumentException("unknown option " + arg);
						}
						files.add(arg);
					}
				}
			}
			if (files.size() != 1) {
				throw new IllegalArgumentException("run takes exactly one domain XML file");
			}
			options.file = Path.of(files.get(0));
			return options;
		}

		private static String value(List<String> args, int index, String option) {
			if (index >= args.size()) {
				throw new IllegalArgumentException(option + " needs a value");
			}
			return args.get(index);
		}

		private static Accel accel(String value) {
			try {
				return Accel.valueOf(value.toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("--accel must be auto, kvm or tcg, not '" + value + "'");
			}
		}

		/** {@code 30}, {@code 30s}, {@code 2m} or ISO-8601 ({@code PT30S}). */
		static Duration duration(String value) {
			try {
				if (value.matches("\\d+")) {
					return Duration.ofSeconds(Long.parseLong(value));
				}
				if (value.matches("\\d+(ms|s|m)")) {
					long n = Long.parseLong(value.replaceAll("\\D", ""));
					return value.endsWith("ms") ? Duration.ofMillis(n)
							: value.endsWith("s") ? Duration.ofSeconds(n) : Duration.ofMinutes(n);
				}
				return Duration.parse(value);
			}
			catch (DateTimeParseException | NumberFormatException ex) {
				throw new IllegalArgumentException(
						"--shutdown-timeout must be a duration such as 30s, not '" + value + "'");
			}
		}

	}

}
