package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.internal.capabilities.CapabilityProbe;
import io.github.qemuembed.driver.internal.capabilities.QemuCapabilities;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainNames;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.qmp.QmpClient;
import io.github.qemuembed.driver.qmp.QmpClientOptions;
import io.github.qemuembed.driver.qmp.QmpEventListener;
import tools.jackson.databind.JsonNode;

/**
 * A real QEMU started paused ({@code -S}) with exactly the argv
 * {@link QemuCommandBuilder} builds, and a QMP client on its monitor socket. Closing
 * kills QEMU (SIGKILL) and waits for it; tests use try-with-resources. Public in the
 * driver's test jar for the integration tests that boot a guest with it.
 */
public final class RealQemu implements AutoCloseable {

	private static QemuCapabilities capabilities;

	private final Process process;

	private final QmpClient qmp;

	private final QemuCommand command;

	private final Path log;

	private final List<Process> helpers;

	private RealQemu(Process process, QmpClient qmp, QemuCommand command, Path log, List<Process> helpers) {
		this.process = process;
		this.qmp = qmp;
		this.command = command;
		this.log = log;
		this.helpers = helpers;
	}

	/**
	 * Starts what QEMU needs first (swtpm), as the driver does, each ready once its
	 * socket exists.
	 */
	private static List<Process> startHelpers(QemuCommand command, Path log) throws IOException {
		List<Process> helpers = new ArrayList<>();
		for (HelperProcess helper : command.helpers()) {
			for (Path directory : helper.directories()) {
				Files.createDirectories(directory);
			}
			Process process = new ProcessBuilder(helper.argv()).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start();
			helpers.add(process);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (!Files.exists(helper.socket())) {
				if (!process.isAlive() || System.nanoTime() > deadline) {
					helpers.forEach(Process::destroyForcibly);
					throw new IllegalStateException(helper.name() + " did not start: " + Files.readString(log));
				}
				try {
					Thread.sleep(5);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}
		}
		return helpers;
	}

	/** The installed emulator's capabilities, probed once for all tests. */
	static synchronized QemuCapabilities capabilities() {
		if (capabilities == null) {
			capabilities = CapabilityProbe.probe(Path.of("/usr/bin/qemu-system-x86_64"), Duration.ofSeconds(30));
		}
		return capabilities;
	}

	static boolean kvmUsable() {
		Path kvm = Path.of("/dev/kvm");
		return Files.isReadable(kvm) && Files.isWritable(kvm);
	}

	/** KVM when usable (guest-less QEMU works with nested KVM), else TCG. */
	static Accel guestlessAccel() {
		return kvmUsable() ? Accel.KVM : Accel.TCG;
	}

	public static RealQemu start(String xml, Path root, Accel accel) throws IOException {
		return start(xml, root, accel, UnaryOperator.identity());
	}

	static RealQemu start(String xml, Path root, Accel accel, UnaryOperator<RunContext> customizer) throws IOException {
		DomainDefinition def = DomainXml.parse(xml);
		DomainNames.checkSocketPathFits(root, def.name());
		Path privateDir = Files.createDirectories(DomainNames.privateDir(root, 1, def.name()));
		Path log = Files.createDirectories(root.resolve("log")).resolve(def.name() + ".log");
		Path run = Files.createDirectories(root.resolve("run"));
		RunContext context = customizer
			.apply(RunContext.of(accel, capabilities().emulator(), privateDir, run.resolve(def.name() + ".pid"), log));
		QemuCommand command = QemuCommandBuilder.build(def, capabilities(), context);
		// what the driver does before a start: a UEFI variable store starts as a copy of
		// its template
		command.definition().os().nvram().filter((nvram) -> nvram.template().isPresent()).ifPresent((nvram) -> {
			try {
				if (!Files.exists(Path.of(nvram.path()))) {
					Files.createDirectories(Path.of(nvram.path()).getParent());
					Files.copy(Path.of(nvram.template().get()), Path.of(nvram.path()));
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
		List<Process> helpers = startHelpers(command, log);
		ProcessBuilder builder = new ProcessBuilder(command.argv());
		builder.environment().putAll(command.env());
		builder.redirectErrorStream(true);
		builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
		Process process = builder.start();
		try {
			// the wait ends as soon as QEMU exits: a QEMU that refuses its argv fails the
			// test at once, with its log
			QmpClient qmp = QmpClient.connect(context.monitorSocket(),
					QmpClientOptions.defaults().withConnectTimeout(Duration.ofSeconds(20)), QmpEventListener.NONE,
					process.toHandle());
			try {
				// some failures (a vCPU the host refuses) come right after the greeting
				qmp.execute("query-status");
			}
			catch (RuntimeException ex) {
				qmp.close();
				throw ex;
			}
			return new RealQemu(process, qmp, command, log, helpers);
		}
		catch (RuntimeException ex) {
			String status = process.isAlive() ? "none, killed by the test" : Integer.toString(process.exitValue());
			helpers.forEach(Process::destroyForcibly);
			process.destroyForcibly();
			// QEMU is gone or killed now: its log is complete
			try {
				process.waitFor(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException interrupted) {
				Thread.currentThread().interrupt();
			}
			throw new QemuDidNotStart("QEMU did not start (exit status " + status + "): " + Files.readString(log)
					+ "\nargv: " + command.argv(), ex);
		}
	}

	/**
	 * QEMU exited (or was killed) before its monitor answered; the message holds its log.
	 */
	static final class QemuDidNotStart extends IllegalStateException {

		QemuDidNotStart(String message, Throwable cause) {
			super(message, cause);
		}

	}

	public QemuCommand command() {
		return this.command;
	}

	public Process process() {
		return this.process;
	}

	public String log() throws IOException {
		return Files.readString(this.log);
	}

	public JsonNode qmp(String command) {
		return this.qmp.execute(command);
	}

	public JsonNode qmp(String command, Map<String, ?> arguments) {
		return this.qmp.execute(command, arguments);
	}

	JsonNode qomGet(String path, String property) {
		return qmp("qom-get", Map.of("path", path, "property", property));
	}

	/** A device by its id ({@code -device ...,id=ID}). */
	JsonNode device(String id, String property) {
		return qomGet("/machine/peripheral/" + id, property);
	}

	/**
	 * Where a PCI device sits, from QOM (with {@code -S} the firmware has not numbered
	 * the buses behind root ports yet, so {@code query-pci} does not list the devices
	 * there).
	 */
	PciFunction pci(String id) {
		String bus = device(id, "parent_bus").asString();
		int devfn = device(id, "addr").asInt();
		return new PciFunction(bus.substring(bus.lastIndexOf('/') + 1), devfn >> 3, devfn & 7,
				device(id, "type").asString(), id);
	}

	/**
	 * The QOM path of the machine's built-in device of a type ({@code mc146818rtc},
	 * {@code ICH9-LPC}, ...).
	 */
	String builtin(String type) {
		for (JsonNode child : qmp("qom-list", Map.of("path", "/machine/unattached"))) {
			if (child.get("type").asString().equals("child<" + type + ">")) {
				return "/machine/unattached/" + child.get("name").asString();
			}
		}
		throw new AssertionError("no built-in " + type);
	}

	/** The types of every device created with {@code -device}. */
	List<String> peripheralTypes() {
		List<String> types = new ArrayList<>();
		for (JsonNode child : qmp("qom-list", Map.of("path", "/machine/peripheral"))) {
			String type = child.get("type").asString();
			if (type.startsWith("child<")) {
				types.add(type.substring(6, type.length() - 1));
			}
		}
		return types;
	}

	/**
	 * One PCI function: its bus ({@code pcie.0}, {@code pci.0}, {@code pci.N}), slot,
	 * function and type.
	 */
	record PciFunction(String bus, int slot, int function, String type, String id) {
	}

	@Override
	public void close() throws Exception {
		try {
			this.qmp.close();
		}
		finally {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
			for (Process helper : this.helpers) {
				// swtpm --terminate ends when QEMU's connection drops; waiting proves it,
				// killing is the fallback
				if (!helper.waitFor(10, TimeUnit.SECONDS)) {
					helper.destroyForcibly();
				}
			}
		}
	}

}
