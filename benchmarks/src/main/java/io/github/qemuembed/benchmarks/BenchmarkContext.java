package io.github.qemuembed.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every benchmark gets: the profile, the machine, the emulator, and short-lived directories
 * (short paths under {@code /tmp}: UNIX socket paths are limited to 107 bytes).
 */
public final class BenchmarkContext implements AutoCloseable {

	private final BenchmarkSettings settings;

	private final Machine machine;

	private final Path emulator;

	private final List<Path> directories = new ArrayList<>();

	public BenchmarkContext(BenchmarkSettings settings, Machine machine, Path emulator) {
		this.settings = settings;
		this.machine = machine;
		this.emulator = emulator;
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
	}

}
