package io.github.qemuembed.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What every benchmark gets: the profile, the machine, the emulator, the systems the run
 * measures, and short-lived directories (short paths under {@code /tmp}: UNIX socket
 * paths are limited to 107 bytes).
 */
public final class BenchmarkContext implements AutoCloseable {

	private final BenchmarkSettings settings;

	private final Machine machine;

	private final Path emulator;

	private final Set<String> systems;

	private final List<Path> directories = new ArrayList<>();

	private Path haltFirmware;

	public BenchmarkContext(BenchmarkSettings settings, Machine machine, Path emulator, Set<String> systems) {
		this.settings = settings;
		this.machine = machine;
		this.emulator = emulator;
		this.systems = Set.copyOf(systems);
	}

	public BenchmarkSettings settings() {
		return this.settings;
	}

	public Machine machine() {
		return this.machine;
	}

	public Path emulator() {
		return this.emulator;
	}

	/** Whether the run measures the system (one of {@link Systems}). */
	public boolean measures(String system) {
		return this.systems.contains(system);
	}

	/**
	 * A firmware image that halts the vCPU at the reset vector (created on first use). A
	 * guest-less q35 machine otherwise runs SeaBIOS, which finds nothing to boot and
	 * keeps about half a CPU busy here (nested KVM); with dozens of such VMs on two cores
	 * the benchmark would measure CPU starvation rather than the driver. The many-VM
	 * scenarios use this firmware on every system.
	 */
	public synchronized Path haltFirmware() throws IOException {
		if (this.haltFirmware == null) {
			byte[] image = new byte[64 * 1024];
			// at the reset vector (16 bytes below 4 GiB, the image's last 16 bytes): cli;
			// hlt; jmp back to hlt
			byte[] code = { (byte) 0xfa, (byte) 0xf4, (byte) 0xeb, (byte) 0xfd };
			System.arraycopy(code, 0, image, image.length - 16, code.length);
			Path file = newDirectory("qebf").resolve("halt.bin");
			Files.write(file, image);
			this.haltFirmware = file;
		}
		return this.haltFirmware;
	}

	/** A new empty directory, deleted when the context closes. */
	public synchronized Path newDirectory(String prefix) throws IOException {
		Path directory = Files.createTempDirectory(Path.of("/tmp"), prefix);
		this.directories.add(directory);
		return directory;
	}

	@Override
	public synchronized void close() {
		for (Path directory : this.directories) {
			Commands.deleteTree(directory);
		}
		this.directories.clear();
		this.haltFirmware = null;
	}

}
