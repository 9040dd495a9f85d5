package io.github.qemuembed.driver.internal.capabilities;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.internal.capabilities.ProbeExchange.Answer;
import io.github.qemuembed.driver.internal.capabilities.ProbeExchange.Question;
import io.github.qemuembed.driver.internal.io.MalformedJsonException;
import org.jspecify.annotations.Nullable;

/**
 * Asks an emulator binary what it supports: starts it without a guest or accelerator
 * ({@code -machine none -S}, monitor on its standard streams), asks it over QMP and makes
 * it quit, every question written at once ({@link ProbeExchange}). Takes some 100 ms with
 * QEMU 7.2, most of it QEMU's own: its start, loading its device modules for the first
 * {@code qom-list-types}, and {@code query-cpu-definitions}.
 * <p>
 * What is probed: {@code query-version}; {@code query-machines} (names, aliases, the
 * default); {@code qom-list-types} for accelerators (types implementing {@code accel}:
 * {@code kvm-accel} means KVM is compiled in — {@code query-accels} only exists from QEMU
 * 8 — backed up by {@code query-kvm}'s {@code present}), {@code -device} types
 * (implementing {@code device}) and {@code -object} types (implementing
 * {@code user-creatable}) and CPU models (see {@link #cpuModels}). The accelerators
 * reported are those compiled in; whether KVM is usable on this host is decided by
 * {@link CapabilityCache} each time capabilities are handed out, since it can change
 * without the binary changing.
 */
public final class CapabilityProbe {

	private static final System.Logger logger = System.getLogger(CapabilityProbe.class.getName());

	private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

	/** The questions; the constants below are their indexes. */
	static final List<Question> QUESTIONS = List.of(new Question("query-version", null),
			new Question("query-machines", null), Question.typesImplementing("accel"), new Question("query-kvm", null),
			Question.typesImplementing("device"), Question.typesImplementing("user-creatable"),
			Question.typesImplementing("cpu"), Question.typesImplementing("cpu", true));

	private static final int VERSION = 0;

	private static final int MACHINES = 1;

	private static final int ACCELERATOR_TYPES = 2;

	private static final int KVM = 3;

	private static final int DEVICE_TYPES = 4;

	private static final int OBJECT_TYPES = 5;

	private static final int CPU_TYPES = 6;

	private static final int ALL_CPU_TYPES = 7;

	private CapabilityProbe() {
	}

	/**
	 * Probes {@code emulator}.
	 * @param emulator the QEMU binary (see {@link EmulatorLocator})
	 * @param timeout for the whole probe, start to exit
	 * @return what the binary supports; {@link QemuCapabilities#accelerators()} lists the
	 * compiled-in ones
	 * @throws EmulatorException if the binary cannot be started, is not a QEMU that
	 * speaks QMP, fails a query or does not finish within the timeout; the message
	 * carries what it wrote to stderr
	 */
	public static QemuCapabilities probe(Path emulator, Duration timeout) {
		long start = System.nanoTime();
		long deadline = start + timeout.toNanos();
		if (!Files.isRegularFile(emulator) || !Files.isExecutable(emulator)) {
			throw new EmulatorException("The emulator " + emulator + " does not exist or is not an executable file; "
					+ "install the Debian package qemu-system-x86 or configure the path of a QEMU binary");
		}
		Process process;
		try {
			process = new ProcessBuilder(command(emulator)).redirectErrorStream(false).start();
		}
		catch (IOException ex) {
			throw new EmulatorException(
					"Cannot start the emulator " + emulator + " to probe it: " + ex.getMessage()
							+ "; install the Debian package qemu-system-x86 or configure the path of a QEMU binary",
					ex);
		}
		boolean answered = false;
		try {
			Answer[] answers = converse(process, emulator, deadline, timeout);
			answered = true;
			QemuCapabilities capabilities = capabilities(answers, emulator);
			logger.log(Level.DEBUG, () -> "Probed " + emulator + " (QEMU " + capabilities.version() + ") in "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
			return capabilities;
		}
		catch (IllegalStateException ex) {
			throw new EmulatorException(
					"Probing the emulator " + emulator + " failed: " + ex.getMessage() + stderrOf(process), ex);
		}
		finally {
			if (!answered) {
				kill(process);
			}
		}
	}

	/**
	 * Writes the questions and reads the answers, the reading on a thread of its own so
	 * that a binary that never answers is killed at the deadline. That thread then makes
	 * the emulator quit and waits for its exit (killing it at the deadline), while the
	 * caller goes on with the answers.
	 */
	private static Answer[] converse(Process process, Path emulator, long deadline, Duration timeout) {
		CompletableFuture<Answer[]> answers = new CompletableFuture<>();
		Thread reader = new Thread(() -> {
			try {
				answers.complete(ProbeExchange.read(process.getInputStream(), QUESTIONS.size()));
			}
			catch (IOException | RuntimeException | Error ex) {
				answers.completeExceptionally(ex);
				return;
			}
			quit(process, deadline);
		}, "qemu-embed-probe-" + process.pid());
		reader.setDaemon(true);
		reader.start();
		try {
			// left open: QEMU drops the questions it has not run yet when its monitor's
			// input ends
			OutputStream input = process.getOutputStream();
			input.write(ProbeExchange.text(QUESTIONS));
			input.flush();
		}
		catch (IOException ex) {
			// it exited already (not a QEMU): what the reader got says more
		}
		try {
			return answers.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			kill(process);
			throw new EmulatorException("The emulator " + emulator + " did not answer the capability probe within "
					+ timeout.toMillis() + " ms; it was killed" + stderrOf(process), ex);
		}
		catch (InterruptedException ex) {
			kill(process);
			throw OperationInterruptedException.restoring("Interrupted while probing the emulator " + emulator, ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			String what = (cause instanceof MalformedJsonException)
					? "it answered with something that is not QMP (" + cause.getMessage() + ")" : cause.getMessage();
			throw new EmulatorException("Probing the emulator " + emulator + " failed: " + what + stderrOf(process),
					cause);
		}
	}

	/**
	 * Asks the emulator to quit and waits for its exit, killing it at the deadline.
	 */
	private static void quit(Process process, long deadline) {
		try {
			OutputStream input = process.getOutputStream();
			input.write(ProbeExchange.quit());
			input.close();
		}
		catch (IOException ex) {
			// gone already
		}
		waitForExit(process, deadline);
	}

	/**
	 * Kills the emulator and what it started (a wrapper script's children would keep the
	 * pipe open).
	 */
	private static void kill(Process process) {
		process.descendants().forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
	}

	private static List<String> command(Path emulator) {
		List<String> command = new ArrayList<>();
		if (Files.isExecutable(SETPRIV)) {
			// Should this JVM die during the probe, the kernel kills the emulator too.
			command.addAll(List.of(SETPRIV.toString(), "--pdeathsig", "KILL", "--"));
		}
		command.addAll(List.of(emulator.toString(), "-S", "-nodefaults", "-no-user-config", "-display", "none",
				"-machine", "none", "-qmp", "stdio"));
		return command;
	}

	private static QemuCapabilities capabilities(Answer[] answers, Path emulator) {
		Map<?, ?> qemu = object(object(returned(answers, VERSION), "query-version").get("qemu"), "query-version");
		String version = number(qemu.get("major"), "query-version") + "." + number(qemu.get("minor"), "query-version")
				+ "." + number(qemu.get("micro"), "query-version");

		List<String> machineTypes = new ArrayList<>();
		Map<String, String> aliases = new TreeMap<>();
		String defaultMachine = null;
		for (Object element : array(returned(answers, MACHINES), "query-machines")) {
			Map<?, ?> machine = object(element, "query-machines");
			String name = string(machine.get("name"), "query-machines");
			machineTypes.add(name);
			if (machine.get("alias") != null) {
				String alias = string(machine.get("alias"), "query-machines");
				machineTypes.add(alias);
				aliases.put(alias, name);
			}
			if (Boolean.TRUE.equals(machine.get("is-default"))) {
				defaultMachine = name;
			}
		}
		machineTypes.sort(null);

		Set<String> accelerators = new TreeSet<>();
		for (String type : names(answers, ACCELERATOR_TYPES)) {
			if (type.endsWith("-accel")) {
				accelerators.add(type.substring(0, type.length() - "-accel".length()));
			}
		}
		// query-kvm answers "present" for a binary built with KVM even when no
		// accelerator runs; it backs up the type list in case a build names its
		// accelerator types differently
		if (Boolean.TRUE.equals(object(returned(answers, KVM), "query-kvm").get("present"))) {
			accelerators.add("kvm");
		}
		Set<String> devices = names(answers, DEVICE_TYPES);
		Set<String> objects = names(answers, OBJECT_TYPES);

		Set<String> cpuModels = cpuModels(answers);
		return new QemuCapabilities(emulator, version, machineTypes, aliases, defaultMachine, accelerators, devices,
				objects, cpuModels);
	}

	/**
	 * The CPU models, as {@code -cpu} and {@code query-cpu-definitions} name them: the
	 * instantiable CPU types without the target's suffix ({@code qemu64-x86_64-cpu} is
	 * model {@code qemu64}). The suffix is the abstract type right under {@code cpu} that
	 * all of the target's CPU types derive from ({@code x86_64-cpu}, {@code arm-cpu}).
	 * Not {@code query-cpu-definitions} itself: for every model it builds a CPU to find
	 * the features this host lacks, some 30 ms of the probe, a third of QEMU's part, for
	 * names the types already give. (For targets that add aliases to the list, such as
	 * ppc, the aliases are not among these names; qemu-embed runs x86 guests.)
	 */
	private static Set<String> cpuModels(Answer[] answers) {
		Set<String> concrete = names(answers, CPU_TYPES);
		List<String> suffixes = new ArrayList<>();
		for (Object element : array(returned(answers, ALL_CPU_TYPES), "qom-list-types")) {
			Map<?, ?> type = object(element, "qom-list-types");
			String name = string(type.get("name"), "qom-list-types");
			if ("cpu".equals(type.get("parent")) && !concrete.contains(name)) {
				suffixes.add("-" + name);
			}
		}
		Set<String> models = new TreeSet<>();
		for (String type : concrete) {
			for (String suffix : suffixes) {
				if (type.endsWith(suffix) && type.length() > suffix.length()) {
					models.add(type.substring(0, type.length() - suffix.length()));
					break;
				}
			}
		}
		return models;
	}

	/** The names in a {@code qom-list-types} answer. */
	private static Set<String> names(Answer[] answers, int question) {
		Set<String> names = new TreeSet<>();
		for (Object type : array(returned(answers, question), "qom-list-types")) {
			names.add(string(object(type, "qom-list-types").get("name"), "qom-list-types"));
		}
		return names;
	}

	/**
	 * What QEMU returned for a question.
	 * @throws IllegalStateException if it refused it
	 */
	private static @Nullable Object returned(Answer[] answers, int question) {
		Answer answer = answers[question];
		if (answer.failed()) {
			throw new IllegalStateException("QEMU refused " + QUESTIONS.get(question).command() + ": "
					+ answer.errorClass() + ": " + answer.errorDescription());
		}
		return answer.value();
	}

	private static Map<?, ?> object(@Nullable Object value, String command) {
		if (value instanceof Map<?, ?> map) {
			return map;
		}
		throw unexpected(command, value);
	}

	private static List<?> array(@Nullable Object value, String command) {
		if (value instanceof List<?> list) {
			return list;
		}
		throw unexpected(command, value);
	}

	private static String string(@Nullable Object value, String command) {
		if (value instanceof String string) {
			return string;
		}
		throw unexpected(command, value);
	}

	private static long number(@Nullable Object value, String command) {
		if (value instanceof Long number) {
			return number;
		}
		throw unexpected(command, value);
	}

	private static IllegalStateException unexpected(String command, @Nullable Object value) {
		return new IllegalStateException(
				"its answer to " + command + " holds " + value + " where QMP has another type");
	}

	private static void waitForExit(Process process, long deadline) {
		try {
			if (!process.waitFor(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS)) {
				kill(process);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			kill(process);
		}
	}

	private static Duration remaining(long deadline) {
		return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), deadline - System.nanoTime()));
	}

	/**
	 * What the emulator wrote to stderr, for the error message, if it exits by itself
	 * shortly (a hung one is left to be killed: killing closes the streams).
	 */
	private static String stderrOf(Process process) {
		try {
			if (!process.waitFor(200, TimeUnit.MILLISECONDS)) {
				return "";
			}
			InputStream stderr = process.getErrorStream();
			byte[] bytes = stderr.readNBytes(4096);
			String text = new String(bytes, StandardCharsets.UTF_8).strip();
			return text.isEmpty() ? "" : "; the emulator said: " + text;
		}
		catch (IOException ex) {
			return "";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "";
		}
	}

}
