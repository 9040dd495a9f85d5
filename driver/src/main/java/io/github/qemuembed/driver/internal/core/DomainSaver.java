package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.function.IntConsumer;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.internal.fs.AtomicFiles;
import io.github.qemuembed.driver.internal.monitor.DomainMonitor;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import jnr.constants.platform.OpenFlags;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import tools.jackson.databind.JsonNode;

/**
 * Moves a domain's whole state between QEMU and a {@link SaveImage} file with QEMU's
 * migration: to save, a file descriptor of the image (positioned after the header) is
 * handed to QEMU with {@code getfd} and {@code migrate fd:NAME} writes the state into it;
 * to restore, a QEMU started with {@code -incoming defer} reads it back through
 * {@code migrate-incoming fd:NAME}. A descriptor rather than {@code exec:} keeps a shell
 * out of it, and QEMU 7.2 has no {@code file:} migration yet.
 *
 * <p>
 * Waiting for the migration polls {@code query-migrate} (save) or {@code query-status}
 * (restore): each wait ends when QEMU reports the end, when QEMU dies (the monitor call
 * fails), or at the timeout.
 */
final class DomainSaver {

	private static final POSIX posix = POSIXFactory.getNativePOSIX();

	private static final String FD_NAME = "qemu-embed-state";

	/** Bytes per second: no throttling, as for libvirt's saves to a file. */
	private static final long UNLIMITED_BANDWIDTH = 1L << 50;

	private static final long POLL_MILLIS = 10;

	private DomainSaver() {
	}

	/**
	 * Writes the state of the paused QEMU of {@code run} to {@code target}: into a hidden
	 * file beside it first, renamed over {@code target} only once QEMU reported success,
	 * so a failed save leaves no file.
	 */
	static void save(QemuRun run, Path target, boolean wasRunning, Duration timeout) {
		Path dir = target.toAbsolutePath().getParent();
		Path temp = dir.resolve("." + target.getFileName() + ".part");
		SaveImage image = SaveImage.of(DomainXml.write(run.liveDefinition, true), wasRunning);
		try {
			Files.createDirectories(dir);
			Files.deleteIfExists(temp);
			try (FileChannel channel = FileChannel.open(temp,
					Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
				image.writeTo(channel);
				migrateOut(run.monitor, temp, image.dataOffset(), timeout);
				channel.force(true);
			}
			AtomicFiles.moveIntoPlace(temp, target);
			AtomicFiles.syncDirectory(dir);
		}
		catch (IOException ex) {
			deleteQuietly(temp);
			throw new HostIoException("Cannot write the saved state to " + target, ex);
		}
		catch (RuntimeException ex) {
			deleteQuietly(temp);
			throw ex;
		}
	}

	private static void migrateOut(DomainMonitor monitor, Path file, long offset, Duration timeout) {
		withFd(file, OpenFlags.O_WRONLY, offset, (fd) -> monitor.getfd(FD_NAME, fd));
		monitor.setMigrationBandwidth(UNLIMITED_BANDWIDTH);
		monitor.migrate("fd:" + FD_NAME);
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			JsonNode info = monitor.queryMigrate();
			String status = info.path("status").asString("");
			switch (status) {
				case "completed" -> {
					return;
				}
				case "failed", "cancelled" -> throw new QemuEmbedException(ErrorCode.OPERATION_FAILED,
						"QEMU could not save the domain's state: " + info.path("error-desc").asString(status));
				default -> {
					// setup, active, device...: still writing
				}
			}
			if (System.nanoTime() > deadline) {
				monitor.migrateCancel();
				throw new OperationTimeoutException("Saving the domain's state did not finish within " + timeout);
			}
			pause();
		}
	}

	/**
	 * Loads the state of {@code image} from {@code file} into the QEMU of {@code run},
	 * started with {@code -incoming defer}; returns once QEMU has it (the vCPUs still
	 * paused).
	 */
	static void restore(QemuRun run, Path file, SaveImage image, Duration timeout) {
		DomainMonitor monitor = run.monitor;
		withFd(file, OpenFlags.O_RDONLY, image.dataOffset(), (fd) -> monitor.getfd(FD_NAME, fd));
		monitor.migrateIncoming("fd:" + FD_NAME);
		long deadline = System.nanoTime() + timeout.toNanos();
		while (true) {
			String status = monitor.queryStatus().status();
			if (!status.equals("inmigrate")) {
				if (status.equals("paused") || status.equals("prelaunch")) {
					return;
				}
				throw new QemuEmbedException(ErrorCode.OPERATION_FAILED,
						"QEMU could not load the saved state from " + file + " (it is now '" + status + "')");
			}
			if (System.nanoTime() > deadline) {
				throw new OperationTimeoutException(
						"Loading the saved state from " + file + " did not finish within " + timeout);
			}
			pause();
		}
	}

	/**
	 * Opens {@code file} as a raw descriptor at {@code offset} for {@code use}, and
	 * closes it afterwards.
	 */
	private static void withFd(Path file, OpenFlags flags, long offset, IntConsumer use) {
		int fd = posix.open(file.toString(), flags.intValue(), 0);
		if (fd < 0) {
			throw new QemuEmbedException(ErrorCode.SYSTEM_ERROR, "Cannot open " + file + ": errno " + posix.errno());
		}
		try {
			if (posix.lseekLong(fd, offset, 0) != offset) {
				throw new QemuEmbedException(ErrorCode.SYSTEM_ERROR,
						"Cannot seek in " + file + ": errno " + posix.errno());
			}
			use.accept(fd);
		}
		finally {
			// QEMU holds its own duplicate
			posix.close(fd);
		}
	}

	private static void pause() {
		try {
			Thread.sleep(POLL_MILLIS);
		}
		catch (InterruptedException ex) {
			throw OperationInterruptedException.restoring("Interrupted while QEMU moved the domain's state", ex);
		}
	}

	private static void deleteQuietly(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			// best effort: a hidden part file is ignored and replaced by the next save
		}
	}

}
