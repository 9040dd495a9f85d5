package io.github.qemuembed.testsupport.junit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.internal.fs.FileTrees;

/**
 * A driver on a private temporary directory ({@code DIR/root} is the driver's root,
 * {@code DIR/disks} holds disk images). Closing it destroys whatever still runs on the
 * driver, closes it and deletes the directory.
 */
final class DriverHolder implements AutoCloseable {

	static final String PREFIX = "qejunit";

	/**
	 * Written into every directory this class makes, so that clean-up never touches
	 * anyone else's.
	 */
	static final String MARKER = ".qemu-embed-junit";

	/**
	 * Older than this, and with no driver holding its root, a directory is a killed JVM's
	 * leftover.
	 */
	static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);

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
			removeAbandonedDirectories(parent);
			directory = Files.createTempDirectory(parent, PREFIX);
			Files.createFile(directory.resolve(MARKER));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create a temporary root in " + settings.temporaryDirectory(), ex);
		}
		try {
			DriverConfig.Builder config = DriverConfig.builder(directory.resolve("root"))
				.accel(settings.accel())
				// Test machines are often busy (parallel builds, TCG guests): be patient
				// before calling QEMU stuck.
				.qmpTimeout(Duration.ofSeconds(30))
				.startTimeout(Duration.ofSeconds(90))
				// The test owns everything on its private root; there are no principals
				// to tell apart.
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
			// VMs a test started through the driver itself, not through @TestVm, must not
			// outlive it either.
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

	/**
	 * Deletes directories of test JVMs that were killed (their QEMU children died with
	 * them, by the driver's parent-death signal, but files stay): old ones, made by this
	 * class (they hold the marker file), whose root no driver has locked. The lock is the
	 * driver's own POSIX lock on {@code run/qemu/driver.pid}.
	 */
	static void removeAbandonedDirectories(Path parent) {
		Instant before = Instant.now().minus(ABANDONED_AFTER);
		try (DirectoryStream<Path> candidates = Files.newDirectoryStream(parent, PREFIX + "*")) {
			for (Path candidate : candidates) {
				if (Files.isDirectory(candidate, LinkOption.NOFOLLOW_LINKS) && Files.exists(candidate.resolve(MARKER))
						&& Files.getLastModifiedTime(candidate).toInstant().isBefore(before) && !isLocked(candidate)) {
					deleteRecursively(candidate);
				}
			}
		}
		catch (IOException ex) {
			// Cleaning up after others is a courtesy; never fail a test over it.
		}
	}

	private static boolean isLocked(Path directory) {
		Path lockFile = directory.resolve("root/run/qemu/driver.pid");
		if (!Files.exists(lockFile)) {
			return false;
		}
		try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
			FileLock lock = channel.tryLock(0, 1, false);
			if (lock == null) {
				return true;
			}
			lock.release();
			return false;
		}
		catch (OverlappingFileLockException ex) {
			return true; // held by a driver in this JVM
		}
		catch (IOException ex) {
			return true; // cannot tell: leave it alone
		}
	}

	static void deleteRecursively(Path path) {
		// best effort: a socket QEMU still held, say; /tmp is cleaned eventually
		FileTrees.deleteQuietly(path);
	}

	@Override
	public String toString() {
		return "DriverHolder[" + this.directory + "]";
	}

}
