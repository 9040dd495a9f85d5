package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.internal.fs.AtomicFiles;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;

/**
 * Persistent definitions in {@code etc/qemu/NAME.xml}: written atomically and owner-only
 * (they may hold secrets such as VNC passwords, as libvirt's do).
 */
final class DefinitionStore {

	private final RootLayout layout;

	DefinitionStore(RootLayout layout) {
		this.layout = layout;
	}

	void save(DomainDefinition definition) {
		String xml = DomainXml.write(definition, true);
		AtomicFiles.write(this.layout.definitionFile(definition.name()), xml.getBytes(StandardCharsets.UTF_8),
				PosixFilePermissions.fromString("rw-------"));
	}

	void delete(String name) {
		try {
			Files.deleteIfExists(this.layout.definitionFile(name));
			AtomicFiles.syncDirectory(this.layout.definitionsDir());
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot delete the definition of '" + name + "'", ex);
		}
	}

	List<Path> files() {
		try (Stream<Path> files = Files.list(this.layout.definitionsDir())) {
			return files.filter((f) -> f.getFileName().toString().endsWith(".xml") && Files.isRegularFile(f))
				.sorted()
				.toList();
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot list the definitions in " + this.layout.definitionsDir(), ex);
		}
		catch (UncheckedIOException ex) {
			// reading the directory failed part way
			throw new HostIoException("Cannot list the definitions in " + this.layout.definitionsDir(), ex.getCause());
		}
	}

	static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot read " + file, ex);
		}
	}

}
