package io.github.qemuembed.benchmarks.libvirt;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.qemuembed.benchmarks.Commands;

/**
 * Runs {@code virsh -t -c 'qemu:///embed?root=DIR'}: libvirt's QEMU driver embedded in
 * the virsh process, the system a Java application would otherwise drive. Several
 * commands go to one virsh (separated by {@code ;}) so that the driver is opened once;
 * {@code -t} prints each command's time.
 */
public final class Virsh {

	private static final Pattern TIME = Pattern.compile("^\\(Time: ([0-9.]+) ms\\)$", Pattern.MULTILINE);

	private static final long TIMEOUT_SECONDS = 300;

	private final Path root;

	private final boolean pinned;

	private Virsh(Path root, boolean pinned) {
		this.root = root;
		this.pinned = pinned;
	}

	/** Why libvirt's embedded driver cannot be measured here, or empty if it can. */
	public static Optional<String> unavailable() {
		if (Commands.onPath("virsh").isEmpty()) {
			return Optional.of("virsh not installed (Debian: libvirt-clients, libvirt-daemon-driver-qemu)");
		}
		if (Commands.firstLine("getent", "passwd", "libvirt-qemu").isEmpty()) {
			return Optional.of("user libvirt-qemu missing (run dev/setup)");
		}
		return Optional.empty();
	}

	/**
	 * Prepares {@code root} for the embedded driver: {@code etc/qemu.conf} runs QEMU as
	 * root (as this harness does) and writes QEMU's output to a file instead of asking
	 * for virtlogd.
	 */
	public static Virsh onRoot(Path root) throws IOException {
		Files.createDirectories(root.resolve("etc"));
		Files.writeString(root.resolve("etc/qemu.conf"),
				"user = \"root\"\ngroup = \"root\"\nstdio_handler = \"file\"\n");
		return new Virsh(root, false);
	}

	/**
	 * The same root with virsh pinned to CPU 0 ({@code taskset}). libvirt 9.0 keeps the
	 * host's CPUID in its capability cache, and CPUID leaf 0x1f reports the x2APIC id of
	 * the CPU the prober ran on: a virsh scheduled on another CPU than the one that
	 * filled the cache finds it stale and probes again (about 4 s here). Pinning gives
	 * libvirt its intended warm-cache behaviour.
	 */
	public Virsh pinned() {
		return new Virsh(this.root, true);
	}

	public Path root() {
		return this.root;
	}

	/**
	 * The guest-less machine, as libvirt domain XML (no USB controller, no balloon, so no
	 * devices).
	 */
	public static String guestlessDomainXml(String name, Path emulator, String accel) {
		return guestlessDomainXml(name, emulator, accel, null);
	}

	/**
	 * The guest-less machine with a ROM firmware instead of SeaBIOS, or SeaBIOS if
	 * {@code firmware} is null.
	 */
	public static String guestlessDomainXml(String name, Path emulator, String accel, Path firmware) {
		String type = "kvm".equals(accel) ? "kvm" : "qemu";
		String loader = (firmware != null) ? "<loader type='rom'>" + firmware + "</loader>" : "";
		return """
				<domain type='%s'>
				  <name>%s</name>
				  <memory unit='MiB'>64</memory>
				  <vcpu>1</vcpu>
				  <os><type arch='x86_64' machine='q35'>hvm</type>%s</os>
				  <features><acpi/></features>
				  <devices>
				    <emulator>%s</emulator>
				    <controller type='usb' model='none'/>
				    <memballoon model='none'/>
				  </devices>
				</domain>
				""".formatted(type, name, loader, emulator);
	}

	/**
	 * Runs the commands in one virsh process.
	 * @return the time virsh printed for each command, in order, and the process' wall
	 * time
	 */
	public Run run(List<String> commands) throws IOException, InterruptedException {
		List<String> argv = new ArrayList<>();
		if (this.pinned) {
			argv.addAll(List.of("taskset", "-c", "0"));
		}
		argv.addAll(
				List.of("virsh", "-t", "-q", "-c", "qemu:///embed?root=" + this.root, String.join(" ; ", commands)));
		long start = System.nanoTime();
		Process process = new ProcessBuilder(argv).start();
		CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
		String stdout = readAll(process.getInputStream());
		if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			process.waitFor();
			throw new IOException("virsh did not finish within " + TIMEOUT_SECONDS + " s: " + commands);
		}
		double wallMillis = (System.nanoTime() - start) / 1_000_000.0;
		if (process.exitValue() != 0) {
			throw new IOException(
					"virsh failed (exit " + process.exitValue() + ") on " + commands + ": " + stderr.join().strip());
		}
		List<Double> times = new ArrayList<>();
		Matcher matcher = TIME.matcher(stdout);
		while (matcher.find()) {
			times.add(Double.parseDouble(matcher.group(1)));
		}
		if (times.size() != commands.size()) {
			throw new IOException(
					"virsh printed " + times.size() + " times for " + commands.size() + " commands: " + stdout);
		}
		return new Run(times, wallMillis);
	}

	public Run run(String... commands) throws IOException, InterruptedException {
		return run(List.of(commands));
	}

	/**
	 * Kills, with SIGKILL, every QEMU the embedded driver left running in this root
	 * (found by its pidfiles); for clean-up after a failure, when virsh itself may be the
	 * problem.
	 */
	public void killLeftovers() {
		Path run = this.root.resolve("run/qemu");
		if (!Files.isDirectory(run)) {
			return;
		}
		try (var pidfiles = Files.list(run)) {
			for (Path pidfile : pidfiles.filter((path) -> path.toString().endsWith(".pid")).toList()) {
				String pid = Files.readString(pidfile).trim();
				if (pid.matches("[0-9]+") && !pidfile.getFileName().toString().equals("driver.pid")) {
					ProcessHandle.of(Long.parseLong(pid)).ifPresent(Virsh::killAndAwait);
				}
			}
		}
		catch (IOException ex) {
			// best effort
		}
	}

	private static void killAndAwait(ProcessHandle process) {
		process.destroyForcibly();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (process.isAlive() && System.nanoTime() < deadline) {
			Thread.onSpinWait();
		}
	}

	private static String readAll(InputStream in) {
		try {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			return "";
		}
	}

	/**
	 * What one virsh process reported.
	 *
	 * @param commandMillis the time of each command as printed by {@code -t}
	 * @param wallMillis from exec to exit, including opening the embedded driver
	 */
	public record Run(List<Double> commandMillis, double wallMillis) {

	}

}
