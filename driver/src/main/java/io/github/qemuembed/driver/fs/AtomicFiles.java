package io.github.qemuembed.driver.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import io.github.qemuembed.driver.error.HostIoException;

/**
 * Writes files so that a reader (or a crash) sees either the old content or the new one, never a
 * torn file: write a temp file in the same directory, fsync it, rename it over the target, fsync the
 * directory.
 */
public final class AtomicFiles {

	private AtomicFiles() {
	}

	public static void writeString(Path target, String content) {
		write(target, content.getBytes(StandardCharsets.UTF_8), null);
	}

	public static void write(Path target, byte[] content, Set<PosixFilePermission> permissions) {
		Path dir = target.toAbsolutePath().getParent();
		Path temp = null;
		try {
			temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
			if (permissions != null) {
				Files.setPosixFilePermissions(temp, permissions);
			}
			try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
					StandardOpenOption.TRUNCATE_EXISTING)) {
				ByteBuffer buffer = ByteBuffer.wrap(content);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
				channel.force(true);
			}
			try {
				Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
			}
			catch (AtomicMoveNotSupportedException ex) {
				Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
			}
			temp = null;
			syncDirectory(dir);
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

	/** Makes a rename or delete in {@code dir} durable. */
	public static void syncDirectory(Path dir) {
		try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
			channel.force(true);
		}
		catch (IOException ex) {
			// some file systems refuse fsync on directories; the rename itself has happened
		}
	}

}
