package io.github.qemuembed.testsupport.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.error.QemuEmbedException;

/**
 * A driver on a private temporary directory ({@code DIR/root} is the driver's root, {@code DIR/disks}
 * holds disk images). Closing it destroys whatever still runs on the driver, closes it and deletes
 * the directory.
 */
final class DriverHolder implements AutoCloseable {

	private final Path directory;

	private final QemuDriver driver;

	private boolean closed;

	private DriverHolder(Path directory, QemuDriver driver) {
		this.directory = directory;
		this.driver = driver;
	}

	static DriverHolder open(QemuTest settings) {
		Path directory;
		try {
			Path parent = Path.of(settings.temporaryDirectory());
			Files.createDirectories(parent);
			directory = Files.createTempDirectory(parent, "qet");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create a temporary root in " + settings.temporaryDirectory(), ex);
		}
		try {
			DriverConfig.Builder config = DriverConfig.builder(directory.resolve("root"))
				.accel(settings.accel())
				// The test owns everything on its private root; there are no principals to tell apart.
				.accessPolicy(AccessPolicy.allowAll());
			if (!settings.emulator().isEmpty()) {
				config.emulator(Path.of(settings.emulator()));
			}
			return new DriverHolder(directory, QemuDriver.open(config.build()));
		}
		catch (RuntimeException ex) {
			deleteRecursively(directory);
			throw ex;
		}
	}

	QemuDriver driver() {
		return this.driver;
	}

	Path directory() {
		return this.directory;
	}

	Path disksDirectory() {
		Path disks = this.directory.resolve("disks");
		try {
			Files.createDirectories(disks);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return disks;
	}

	@Override
	public synchronized void close() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		RuntimeException failure = null;
		try {
			// VMs a test started through the driver itself, not through @TestVm, must not outlive it either.
			for (Domain domain : this.driver.list(DomainListFilter.ACTIVE)) {
				try {
					domain.destroy();
				}
				catch (QemuEmbedException ex) {
					if (domain.status().isActive()) {
						failure = add(failure, ex);
					}
				}
			}
		}
		catch (RuntimeException ex) {
			failure = add(failure, ex);
		}
		try {
			this.driver.close();
		}
		catch (RuntimeException ex) {
			failure = add(failure, ex);
		}
		deleteRecursively(this.directory);
		if (failure != null) {
			throw failure;
		}
	}

	private static RuntimeException add(RuntimeException failure, RuntimeException next) {
		if (failure == null) {
			return next;
		}
		failure.addSuppressed(next);
		return failure;
	}

	static void deleteRecursively(Path path) {
		if (!Files.exists(path)) {
			return;
		}
		try (Stream<Path> walk = Files.walk(path)) {
			walk.sorted(Comparator.reverseOrder()).forEach((p) -> {
				try {
					Files.deleteIfExists(p);
				}
				catch (IOException ex) {
					// Best effort: a socket QEMU still held, say. /tmp is cleaned eventually.
				}
			});
		}
		catch (IOException ex) {
			// Best effort, as above.
		}
	}

	@Override
	public String toString() {
		return "DriverHolder[" + this.directory + "]";
	}

}
