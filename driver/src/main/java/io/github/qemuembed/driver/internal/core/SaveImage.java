package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.InvalidOperationException;

/**
 * The file a saved domain lives in: a fixed header, the live domain XML, then QEMU's
 * migration stream from {@link #dataOffset()} on. Like libvirt's save images, the XML
 * travels with the state, because QEMU can only load the state into a process started
 * with the same devices.
 *
 * <pre>
 * 0   16 bytes  magic "qemu-embed-save\n"
 * 16  int       format version (1)
 * 20  int       length of the XML in bytes (UTF-8)
 * 24  int       1 if the vCPUs ran when the domain was saved, else 0
 * 28  36 bytes  zero
 * 64  XML
 *     zero padding up to the next 4 KiB boundary, where the migration stream starts
 * </pre>
 *
 * @param xml the domain's live XML (with secrets: the file is owner-only)
 * @param wasRunning whether to resume the vCPUs after restoring
 * @param dataOffset where the migration stream starts
 */
record SaveImage(String xml, boolean wasRunning, long dataOffset) {

	private static final byte[] MAGIC = "qemu-embed-save\n".getBytes(StandardCharsets.US_ASCII);

	private static final int VERSION = 1;

	private static final int HEADER = 64;

	private static final int ALIGN = 4096;

	private static final int MAX_XML = 16 << 20;

	/** A new image's header for {@code xml}. */
	static SaveImage of(String xml, boolean wasRunning) {
		int length = xml.getBytes(StandardCharsets.UTF_8).length;
		long end = HEADER + (long) length;
		return new SaveImage(xml, wasRunning, ((end + ALIGN - 1) / ALIGN) * ALIGN);
	}

	/**
	 * Writes the header and XML at the start of {@code channel}, leaving it positioned at
	 * the data offset.
	 */
	void writeTo(FileChannel channel) throws IOException {
		byte[] xmlBytes = this.xml.getBytes(StandardCharsets.UTF_8);
		ByteBuffer buffer = ByteBuffer.allocate((int) this.dataOffset);
		buffer.put(MAGIC).putInt(VERSION).putInt(xmlBytes.length).putInt(this.wasRunning ? 1 : 0);
		buffer.position(HEADER);
		buffer.put(xmlBytes);
		buffer.rewind();
		channel.position(0);
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
		Arrays.fill(xmlBytes, (byte) 0);
	}

	/**
	 * Reads the header of a save image; a typed error that names the file when it is not
	 * one.
	 */
	static SaveImage read(Path file) {
		try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
			ByteBuffer header = ByteBuffer.allocate(HEADER);
			readFully(channel, header, file);
			byte[] magic = new byte[MAGIC.length];
			header.get(magic);
			if (!Arrays.equals(magic, MAGIC)) {
				throw notAnImage(file, "it does not start like one");
			}
			int version = header.getInt();
			if (version != VERSION) {
				throw notAnImage(file, "its format version is " + version + ", this driver reads " + VERSION);
			}
			int length = header.getInt();
			boolean running = header.getInt() == 1;
			if (length <= 0 || length > MAX_XML) {
				throw notAnImage(file, "its header is damaged");
			}
			ByteBuffer xml = ByteBuffer.allocate(length);
			readFully(channel, xml, file);
			SaveImage image = of(new String(xml.array(), StandardCharsets.UTF_8), running);
			if (channel.size() <= image.dataOffset()) {
				throw notAnImage(file, "it holds no saved state (was the save interrupted?)");
			}
			return image;
		}
		catch (NoSuchFileException ex) {
			throw new InvalidOperationException("No saved domain in " + file + ": the file does not exist");
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot read the saved domain " + file, ex);
		}
	}

	private static void readFully(FileChannel channel, ByteBuffer buffer, Path file) throws IOException {
		while (buffer.hasRemaining()) {
			if (channel.read(buffer) < 0) {
				throw notAnImage(file, "it is too short");
			}
		}
		buffer.flip();
	}

	private static InvalidOperationException notAnImage(Path file, String why) {
		return new InvalidOperationException(file + " is not a domain saved by qemu-embed: " + why);
	}

}
