package io.github.qemuembed.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The facts about this machine that the results depend on: CPUs, memory, kernel, QEMU and
 * libvirt versions, and whether KVM is usable.
 *
 * @param cpus available processors
 * @param memoryMiB total memory
 * @param kernel kernel release
 * @param qemuVersion first line of {@code qemu-system-x86_64 --version}
 * @param libvirtVersion {@code virsh --version}, or empty when virsh is missing
 * @param kvm whether {@code /dev/kvm} can be opened
 * @param java Java runtime version
 */
public record Machine(int cpus, long memoryMiB, String kernel, String qemuVersion, Optional<String> libvirtVersion,
		boolean kvm, String java) {

	public static Machine detect(Path emulator) {
		return new Machine(Runtime.getRuntime().availableProcessors(), readMemoryMiB(), readKernel(),
				Commands.firstLine(emulator.toString(), "--version").orElse("unknown"),
				Commands.firstLine("virsh", "--version"), kvmUsable(), System.getProperty("java.runtime.version"));
	}

	/** The accelerator the guest-less scenarios use: KVM when available, else TCG. */
	public String accel() {
		return this.kvm ? "kvm" : "tcg";
	}

	public String describe() {
		return "%d CPUs, %d MiB RAM, Linux %s, %s, libvirt %s, accel %s, Java %s".formatted(this.cpus, this.memoryMiB,
				this.kernel, this.qemuVersion, this.libvirtVersion.orElse("missing"), accel(), this.java);
	}

	/**
	 * The CPU's model name ({@code /proc/cpuinfo}), e.g. "AMD EPYC"; "unknown CPU" when
	 * not readable.
	 */
	public static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown CPU");
		}
		catch (IOException ex) {
			return "unknown CPU";
		}
	}

	/**
	 * The load averages over 1, 5 and 15 minutes ({@code /proc/loadavg}), as "1.60 / 2.10
	 * / 2.40": on a shared machine the load says more about a run's noise than anything
	 * else.
	 */
	public static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return fields[0] + " / " + fields[1] + " / " + fields[2];
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	private static long readMemoryMiB() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
				if (line.startsWith("MemTotal:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
				}
			}
		}
		catch (IOException ex) {
			// fall through
		}
		return -1;
	}

	private static String readKernel() {
		try {
			return Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
		}
		catch (IOException ex) {
			return System.getProperty("os.version");
		}
	}

	private static boolean kvmUsable() {
		Path kvm = Path.of("/dev/kvm");
		return Files.isReadable(kvm) && Files.isWritable(kvm);
	}

}
