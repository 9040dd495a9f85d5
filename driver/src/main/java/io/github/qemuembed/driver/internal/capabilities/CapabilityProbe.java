package io.github.qemuembed.driver.internal.capabilities;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.internal.monitor.QmpErrors;
import io.github.qemuembed.driver.qmp.QmpClient;
import io.github.qemuembed.driver.qmp.QmpClientOptions;
import io.github.qemuembed.driver.qmp.QmpError;
import io.github.qemuembed.driver.qmp.QmpEventListener;
import io.github.qemuembed.driver.qmp.QmpExecuteError;
import io.github.qemuembed.driver.qmp.QmpInterruptedError;
import io.github.qemuembed.driver.qmp.QmpProtocolError;
import io.github.qemuembed.driver.qmp.StreamTransport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * Asks an emulator binary what it supports: starts it without a guest or accelerator
 * ({@code -machine none -S}, monitor on its standard streams), queries it over QMP and
 * makes it quit. Takes some 100 ms with QEMU 7.2.
 * <p>
 * What is probed: {@code query-version}; {@code query-machines} (names, aliases, the
 * default); {@code qom-list-types} for accelerators (types implementing {@code accel}:
 * {@code kvm-accel} means KVM is compiled in — {@code query-accels} only exists from QEMU
 * 8 — backed up by {@code query-kvm}'s {@code present}), {@code -device} types
 * (implementing {@code device}) and {@code -object} types (implementing
 * {@code user-creatable}); {@code query-cpu-definitions}. The accelerators reported are
 * those compiled in; whether KVM is usable on this host is decided by
 * {@link CapabilityCache} each time capabilities are handed out, since it can change
 * without the binary changing.
 */
public final class CapabilityProbe {

	private static final System.Logger logger = System.getLogger(CapabilityProbe.class.getName());

	private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

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
		try {
			StreamTransport transport = new StreamTransport(process.getInputStream(), process.getOutputStream(),
					"probe-" + process.pid());
			QmpClientOptions options = QmpClientOptions.defaults()
				.withConnectTimeout(timeout)
				.withCommandTimeout(timeout);
			QemuCapabilities capabilities;
			try (QmpClient client = QmpClient.connect(transport, options, QmpEventListener.NONE)) {
				capabilities = query(client, emulator, deadline);
				quit(client, deadline);
			}
			waitForExit(process, deadline);
			logger.log(Level.DEBUG, () -> "Probed " + emulator + " (QEMU " + capabilities.version() + ") in "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms");
			return capabilities;
		}
		catch (QmpInterruptedError ex) {
			throw QmpErrors.toDriver(ex);
		}
		catch (QmpError ex) {
			throw new EmulatorException(
					"Probing the emulator " + emulator + " failed: " + ex.getMessage() + stderrOf(process), ex);
		}
		finally {
			if (process.isAlive()) {
				process.destroyForcibly();
			}
		}
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

	private static QemuCapabilities query(QmpClient client, Path emulator, long deadline) {
		JsonNode qemu = call(client, "query-version", null, deadline).path("qemu");
		String version = qemu.path("major").asInt() + "." + qemu.path("minor").asInt() + "."
				+ qemu.path("micro").asInt();

		List<String> machineTypes = new ArrayList<>();
		Map<String, String> aliases = new TreeMap<>();
		String defaultMachine = null;
		for (JsonNode machine : call(client, "query-machines", null, deadline)) {
			String name = machine.path("name").asString();
			machineTypes.add(name);
			String alias = machine.path("alias").asString(null);
			if (alias != null) {
				machineTypes.add(alias);
				aliases.put(alias, name);
			}
			if (machine.path("is-default").asBoolean(false)) {
				defaultMachine = name;
			}
		}
		machineTypes.sort(null);

		Set<String> accelerators = new TreeSet<>();
		for (String type : types(client, "accel", deadline)) {
			if (type.endsWith("-accel")) {
				accelerators.add(type.substring(0, type.length() - "-accel".length()));
			}
		}
		// query-kvm answers "present" for a binary built with KVM even when no
		// accelerator runs; it backs up the
		// type list in case a build names its accelerator types differently.
		if (call(client, "query-kvm", null, deadline).path("present").asBoolean(false)) {
			accelerators.add("kvm");
		}
		Set<String> devices = types(client, "device", deadline);
		Set<String> objects = types(client, "user-creatable", deadline);

		Set<String> cpuModels = new TreeSet<>();
		try {
			for (JsonNode model : call(client, "query-cpu-definitions", null, deadline)) {
				cpuModels.add(model.path("name").asString());
			}
		}
		catch (QmpExecuteError ex) {
			// Some targets do not implement it (CommandNotFound); the list then stays
			// empty.
			logger.log(Level.DEBUG, () -> emulator + " cannot list CPU models: " + ex.getMessage());
		}
		return new QemuCapabilities(emulator, version, machineTypes, aliases, defaultMachine, accelerators, devices,
				objects, cpuModels);
	}

	private static Set<String> types(QmpClient client, String implemented, long deadline) {
		JsonNode arguments = JsonNodeFactory.instance.objectNode()
			.put("implements", implemented)
			.put("abstract", false);
		Set<String> names = new TreeSet<>();
		for (JsonNode type : call(client, "qom-list-types", arguments, deadline)) {
			names.add(type.path("name").asString());
		}
		return names;
	}

	private static JsonNode call(QmpClient client, String command, JsonNode arguments, long deadline) {
		return client.execute(command, arguments, remaining(deadline));
	}

	private static void quit(QmpClient client, long deadline) {
		try {
			client.execute("quit", null, remaining(deadline));
		}
		catch (QmpProtocolError ex) {
			// QEMU may close the monitor before its reply to quit is read; it is exiting
			// either way.
		}
	}

	private static void waitForExit(Process process, long deadline) {
		try {
			if (!process.waitFor(remaining(deadline).toNanos(), TimeUnit.NANOSECONDS)) {
				process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
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
