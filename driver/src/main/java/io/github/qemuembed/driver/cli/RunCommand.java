package io.github.qemuembed.driver.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

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

/**
 * {@code run [--root DIR] [--accel auto|kvm|tcg] [--shutdown-timeout DURATION] FILE}: qemu-embed's
 * {@code virt-qemu-run}. Starts the domain as a transient domain and blocks until it stops, printing
 * its state changes. SIGINT and SIGTERM shut the guest down gracefully (ACPI), forcing it after the
 * timeout. Without {@code --root} a temporary root is used and deleted at exit. Exit status: 0 when the
 * guest powered off by itself, 1 when it stopped for another reason (crash, forced, failed start), 2 on
 * usage errors.
 */
final class RunCommand {

	static final String USAGE = "usage: run [--root DIR] [--accel auto|kvm|tcg] [--shutdown-timeout DURATION] FILE";

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

	private final PrintStream out;

	private final PrintStream err;

	/** Set by the signal hook: the JVM is shutting down, so the result must leave through {@code halt}. */
	private final AtomicBoolean signalled = new AtomicBoolean();

	private final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);

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
		Path root = options.root;
		boolean temporaryRoot = root == null;
		try {
			if (temporaryRoot) {
				root = Files.createTempDirectory(Path.of("/tmp"), "qemu-embed-run-");
			}
		}
		catch (IOException ex) {
			this.err.println("Cannot create a temporary root: " + ex.getMessage());
			return 1;
		}
		int status = 1;
		try {
			status = runIn(root.toAbsolutePath(), xml, options);
			return status;
		}
		finally {
			if (temporaryRoot) {
				deleteTree(root);
			}
			if (this.signalled.get()) {
				// shutdown hooks are running (the signal hook waits for us): System.exit would block, and a
				// normal end of the hooks would report the signal instead of the guest's fate
				this.out.flush();
				Runtime.getRuntime().halt(status);
			}
			this.finished.countDown();
		}
	}

	private int runIn(Path root, String xml, Options options) {
		CompletableFuture<DomainStatus> stopped = new CompletableFuture<>();
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
		Thread onSignal = new Thread(() -> {
			if (!stopped.isDone() && this.signalled.compareAndSet(false, true)) {
				print("signal received: shutting the guest down (forced after " + options.shutdownTimeout + ")");
				driver.find(options.domainName).ifPresent((domain) -> {
					try {
						domain.shutdown(options.shutdownTimeout);
					}
					catch (QemuEmbedException ex) {
						// it stopped meanwhile
					}
				});
				// the main thread reports, closes the driver, removes a temporary root, then halts with the status
				try {
					this.finished.await(options.shutdownTimeout.toSeconds() + 30, java.util.concurrent.TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}, "qemu-embed-run-signal");
		Runtime.getRuntime().addShutdownHook(onSignal);
		try {
			driver.addListener((event) -> onEvent(event, stopped));
			Domain domain;
			try {
				domain = driver.createTransient(xml);
				options.domainName = domain.name();
			}
			catch (QemuEmbedException ex) {
				this.err.println("error: " + ex.getMessage());
				return 1;
			}
			print("domain '" + domain.name() + "' started (pid " + domain.info().pid().orElse(-1) + ", root " + root
					+ ")");
			DomainStatus end = stopped.join();
			print("domain '" + domain.name() + "' stopped: " + end);
			return (end.reason() == StateReason.SHUTOFF_SHUTDOWN) ? 0 : 1;
		}
		finally {
			driver.close();
			try {
				Runtime.getRuntime().removeShutdownHook(onSignal);
			}
			catch (IllegalStateException ex) {
				// already shutting down: the hook is running
			}
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

	private static void deleteTree(Path root) {
		try (Stream<Path> paths = Files.walk(root)) {
			paths.sorted(Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
		catch (IOException ex) {
			// best effort
		}
	}

	/** Parsed arguments. */
	static final class Options {

		Path root;

		Accel accel = Accel.AUTO;

		Duration shutdownTimeout = Duration.ofSeconds(30);

		Path file;

		volatile String domainName = "";

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
				throw new IllegalArgumentException("--shutdown-timeout must be a duration such as 30s, not '" + value + "'");
			}
		}

	}

}
