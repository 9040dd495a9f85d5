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
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.dataformat.xml.XmlMapper;

/**
 * Reads and writes {@code run/qemu/NAME.xml} ({@link RunState}) atomically, owner-only.
 */
final class RunStateStore {

	private final RootLayout layout;

	RunStateStore(RootLayout layout) {
		this.layout = layout;
	}

	void write(RunState state) {
		String xml = Mapper.INSTANCE.writer().withRootName("domstatus").writeValueAsString(state);
		// a run state describes a live QEMU: a power loss ends that QEMU too, so it needs
		// no fsync (and a stale or
		// missing one after a power loss is harmless: adoption checks the pid and its
		// start time)
		AtomicFiles.write(this.layout.runStateFile(state.name()), xml.getBytes(StandardCharsets.UTF_8),
				PosixFilePermissions.fromString("rw-------"), AtomicFiles.Durability.PROCESS_CRASH);
	}

	RunState read(Path file) {
		try {
			return Mapper.INSTANCE.readValue(Files.readString(file), RunState.class);
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot read the run state " + file, ex);
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

	/**
	 * Built on first use: jackson-dataformat-xml costs a hundred-odd classes, and an open
	 * of a root with no running domain reads and writes no run state.
	 */
	private static final class Mapper {

		static final XmlMapper INSTANCE = XmlMapper.builder()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.build();

	}

}
