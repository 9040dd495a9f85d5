package io.github.qemuembed.testsupport.guest;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes a cpio archive in the "new ASCII" ({@code newc}, magic {@code 070701}) format,
 * the one the Linux kernel unpacks as an initramfs.
 * <p>
 * Each entry is a 110-byte header of hexadecimal fields, the NUL-terminated name and the
 * data, the name and the data each padded to a multiple of four bytes. Entries are
 * written in the order they are added: the kernel does not create parent directories by
 * itself, so add a directory before what it contains. Modification times are written as
 * zero so that equal content gives an equal archive. {@link #finish()} (or
 * {@link #close()}) writes the {@code TRAILER!!!} entry.
 * <p>
 * Not thread-safe.
 */
public final class CpioNewcWriter implements Closeable {

	static final String MAGIC = "070701";

	static final String TRAILER = "TRAILER!!!";

	static final int HEADER_LENGTH = 110;

	private static final int S_IFDIR = 0040000;

	private static final int S_IFREG = 0100000;

	private static final int S_IFLNK = 0120000;

	private static final int S_IFCHR = 0020000;

	private final OutputStream out;

	private long written;

	private int nextInode = 1;

	private boolean finished;

	public CpioNewcWriter(OutputStream out) {
		this.out = Objects.requireNonNull(out, "out");
	}

	/** Adds a directory with the given permission bits (for example {@code 0755}). */
	public void directory(String path, int permissions) throws IOException {
		writeEntry(path, S_IFDIR | permissionBits(permissions), 2, 0, 0, new byte[0]);
	}

	/** Adds a regular file with the given permission bits and content. */
	public void file(String path, int permissions, byte[] content) throws IOException {
		writeEntry(path, S_IFREG | permissionBits(permissions), 1, 0, 0, content);
	}

	/** Adds a symbolic link pointing at {@code target}. */
	public void symlink(String path, String target) throws IOException {
		if (target.isEmpty()) {
			throw new IllegalArgumentException("symlink " + path + " needs a target");
		}
		writeEntry(path, S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Adds a character device node (for example {@code /dev/console}, major 5, minor 1).
	 */
	public void characterDevice(String path, int permissions, int major, int minor) throws IOException {
		writeEntry(path, S_IFCHR | permissionBits(permissions), 1, major, minor, new byte[0]);
	}

	/** Writes the trailer entry and flushes; nothing can be added afterwards. */
	public void finish() throws IOException {
		if (this.finished) {
			return;
		}
		writeHeaderAndName(TRAILER, 0, 1, 0, 0, 0, 0);
		this.finished = true;
		this.out.flush();
	}

	/** Finishes the archive and closes the underlying stream. */
	@Override
	public void close() throws IOException {
		try {
			finish();
		}
		finally {
			this.out.close();
		}
	}

	private void writeEntry(String path, int mode, int links, int rdevMajor, int rdevMinor, byte[] data)
			throws IOException {
		if (this.finished) {
			throw new IllegalStateException("the archive is already finished");
		}
		String name = normalize(path);
		writeHeaderAndName(name, mode, links, data.length, rdevMajor, rdevMinor, this.nextInode++);
		write(data);
		pad();
	}

	private void writeHeaderAndName(String name, int mode, int links, long size, int rdevMajor, int rdevMinor,
			int inode) throws IOException {
		if (size > 0xFFFFFFFFL) {
			throw new IllegalArgumentException(name + " is larger than cpio newc allows (4 GiB)");
		}
		byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
		StringBuilder header = new StringBuilder(HEADER_LENGTH).append(MAGIC);
		hex(header, inode);
		hex(header, mode);
		hex(header, 0); // uid: root
		hex(header, 0); // gid: root
		hex(header, links);
		hex(header, 0); // mtime: fixed, so equal content gives an equal archive
		hex(header, size);
		hex(header, 0); // devmajor
		hex(header, 0); // devminor
		hex(header, rdevMajor);
		hex(header, rdevMinor);
		hex(header, nameBytes.length + 1L);
		hex(header, 0); // check: unused in newc (only the crc format fills it)
		write(header.toString().getBytes(StandardCharsets.US_ASCII));
		write(nameBytes);
		write(new byte[] { 0 });
		pad();
	}

	private static void hex(StringBuilder header, long value) {
		String digits = Long.toHexString(value);
		header.append("0".repeat(8 - digits.length())).append(digits);
	}

	private static int permissionBits(int permissions) {
		if ((permissions & ~07777) != 0) {
			throw new IllegalArgumentException("not permission bits: " + Integer.toOctalString(permissions));
		}
		return permissions;
	}

	private static String normalize(String path) {
		String name = path;
		while (name.startsWith("/")) {
			name = name.substring(1);
		}
		while (name.endsWith("/")) {
			name = name.substring(0, name.length() - 1);
		}
		if (name.isEmpty() || name.equals(TRAILER) || name.indexOf('\0') >= 0) {
			throw new IllegalArgumentException("not a usable archive path: '" + path + "'");
		}
		for (String part : name.split("/")) {
			if (part.isEmpty() || part.equals("..")) {
				throw new IllegalArgumentException("not a usable archive path: '" + path + "'");
			}
		}
		return name;
	}

	private void write(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.written += bytes.length;
	}

	private void pad() throws IOException {
		int padding = (int) ((4 - (this.written % 4)) % 4);
		if (padding > 0) {
			write(new byte[padding]);
		}
	}

}
