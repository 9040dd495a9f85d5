package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import io.github.qemuembed.driver.error.HostIoException;

/**
 * The backing file a qcow2 image names in its header (big-endian: magic {@code QFI\xfb},
 * the backing file name's offset at byte 8 and its length at byte 16). Read directly
 * rather than with {@code qemu-img info}: finding what depends on an image means reading
 * every image beside it, and a running QEMU's lock does not matter for a read of the
 * header.
 */
final class Qcow2Header {

	private static final int MAGIC = 0x514649fb;

	private Qcow2Header() {
	}

	/**
	 * The absolute backing file of {@code file}, or empty for an image without one or not
	 * in qcow2.
	 */
	static Optional<Path> backingFile(Path file) {
		if (!Files.isRegularFile(file)) {
			return Optional.empty();
		}
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			ByteBuffer header = ByteBuffer.allocate(20);
			if (channel.read(header, 0) < 20 || header.getInt(0) != MAGIC) {
				return Optional.empty();
			}
			long offset = header.getLong(8);
			int length = header.getInt(16);
			if (offset == 0 || length <= 0 || length > 4096) {
				return Optional.empty();
			}
			ByteBuffer name = ByteBuffer.allocate(length);
			channel.read(name, offset);
			Path backing = Path.of(new String(name.array(), 0, name.position(), StandardCharsets.UTF_8));
			return Optional.of(file.toAbsolutePath().getParent().resolve(backing).normalize());
		}
		catch (IOException ex) {
			// never guess: an image that might depend on another must not be overlooked
			// when merging
			throw new HostIoException("Cannot read the header of image " + file, ex);
		}
	}

}
