package io.github.qemuembed.driver.internal.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import io.github.qemuembed.driver.error.HostIoException;

/**
 * Writes files so that a reader (or a crash) sees either the old content or the new one,
 * never a torn file: write a temp file in the same directory, fsync it, rename it over
 * the target, fsync the directory (the syncs only where the content must survive a power
 * loss, see {@link Durability}).
 */
public final class AtomicFiles {

	private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY = PosixFilePermissions
		.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

	/** Numbers this process's temporary files; package-private for the tests. */
	static final AtomicLong TEMP_COUNT = new AtomicLong();

	private AtomicFiles() {
	}

	public static void writeString(Path target, String content) {
		write(target, content.getBytes(StandardCharsets.UTF_8), null);
	}

	public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) {
		write(target, content, permissions, Durability.POWER_LOSS);
	}

	/**
	 * How long a write must last: both kinds are atomic (a reader never sees a torn
	 * file).
	 */
	public enum Durability {

		/**
		 * Synced to disk before and after the rename: for what must survive a power loss
		 * (definitions).
		 */
		POWER_LOSS,

		/**
		 * Renamed into place without {@code fsync}: the new content survives the crash of
		 * any process (the page cache is the kernel's), not of the machine. For state
		 * that describes live processes, which a power loss ends as well, so that losing
		 * the latest version with them loses nothing (run states). Saves the two
		 * {@code fsync}s on the start path.
		 */
		PROCESS_CRASH

	}

	/**
	 * Writes {@code content} to {@code target} atomically, as durable as
	 * {@code durability} says.
	 */
	public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions, Durability durability) {
		boolean sync = durability == Durability.POWER_LOSS;
		Path dir = target.toAbsolutePath().getParent();
		Path temp = null;
		try {
			temp = createTemp(dir, target);
			if (permissions != null) {
				Files.setPosixFilePermissions(temp, permissions);
			}
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING)) {
				ByteBuffer buffer = ByteBuffer.wrap(content);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				if (sync) {
					channel.force(true);
				}
			}
			moveIntoPlace(temp, target);
			temp = null;
			if (sync) {
				syncDirectory(dir);
			}
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot write " + target, ex);
		}
		finally {
			if (temp != null) {
				try {
					Files.deleteIfExists(temp);
				}
				catch (IOException ex) {
					// best effort
				}
			}
		}
	}

	/**
	 * A new empty file, readable by the owner only, next to {@code target}: named after
	 * the target, this process and a counter. Not {@link Files#createTempFile}: its
	 * random names come from {@code SecureRandom}, whose first use sets up the JDK's
	 * security providers, some 40 ms of the first driver open in a new JVM (the
	 * capability cache is written there). {@code CREATE_NEW} makes the name unique; one
	 * left behind by a crashed process of the same pid is skipped.
	 */
	private static Path createTemp(Path dir, Path target) throws IOException {
		long pid = ProcessHandle.current().pid();
		while (true) {
			Path temp = dir
				.resolve("." + target.getFileName() + "." + pid + "-" + TEMP_COUNT.incrementAndGet() + ".tmp");
			try {
				return Files.createFile(temp, OWNER_ONLY);
			}
			catch (FileAlreadyExistsException ex) {
				// left by an earlier process with this pid: take the next name
			}
		}
	}

	/**
	 * Renames a finished temporary file over {@code target}, atomically where the file
	 * system can (the temporary must be in the same directory); the caller syncs what
	 * must be durable.
	 */
	public static void moveIntoPlace(Path temp, Path target) throws IOException {
		try {
			Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (AtomicMoveNotSupportedException ex) {
			Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
		}
	}

	/** Makes a rename or delete in {@code dir} durable. */
	public static void syncDirectory(Path dir) {
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// some file systems refuse fsync on directories; the rename itself has
			// happened
		}
	}

}
