package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.internal.fs.AtomicFiles;

/**
 * Reads and writes {@code run/qemu/NAME.xml} ({@link RunState}, as {@link RunStateXml})
 * atomically, owner-only.
 */
final class RunStateStore {

	private final RootLayout layout;

	RunStateStore(RootLayout layout) {
		this.layout = layout;
	}

	void write(RunState state) {
		String xml = RunStateXml.write(state);
		// a run state describes a live QEMU: a power loss ends that QEMU too, so it needs
		// no fsync (and a stale or
		// missing one after a power loss is harmless: adoption checks the pid and its
		// start time)
		AtomicFiles.write(this.layout.runStateFile(state.name()), xml.getBytes(StandardCharsets.UTF_8),
				PosixFilePermissions.fromString("rw-------"), AtomicFiles.Durability.PROCESS_CRASH);
	}

	/**
	 * Reads a record, also one written by an earlier driver.
	 * @throws HostIoException if the file cannot be read or is not a run state (the
	 * driver's open then leaves it alone, logging why)
	 */
	RunState read(Path file) {
		String xml;
		try {
			xml = Files.readString(file);
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot read the run state " + file, ex);
		}
		try {
			return RunStateXml.read(xml);
		}
		catch (IllegalArgumentException ex) {
			throw new HostIoException("Cannot read the run state " + file,
					new IOException("not a run state: " + ex.getMessage(), ex));
		}
	}

	/**
	 * Run-state files present under {@code run/qemu} (the driver's own pidfile excluded).
	 */
	List<Path> list() {
		try (Stream<Path> files = Files.list(this.layout.runDir())) {
			return new ArrayList<>(files.filter((f) -> f.getFileName().toString().endsWith(".xml")).sorted().toList());
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot list the run states in " + this.layout.runDir(), ex);
		}
		catch (UncheckedIOException ex) {
			// reading the directory failed part way
			throw new HostIoException("Cannot list the run states in " + this.layout.runDir(), ex.getCause());
		}
	}

	void delete(String name) {
		try {
			Files.deleteIfExists(this.layout.runStateFile(name));
			Files.deleteIfExists(this.layout.pidFile(name));
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot remove the run state of '" + name + "'", ex);
		}
	}

}
