package io.github.qemuembed.testsupport.guest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * The files of an initramfs, kept sorted by path, with parent directories added as
 * needed.
 * <p>
 * Sorting by path puts every directory before what it contains (a path sorts before its
 * extensions), which is the order the kernel needs when it unpacks the archive. The tree
 * has a {@linkplain #contentHash() content hash} over everything that ends up in the
 * archive, used as the cache key of the built image.
 */
final class InitramfsTree {

	private final Map<String, Entry> entries = new TreeMap<>();

	void directory(String path) {
		String name = normalize(path);
		addParents(name);
		Entry existing = this.entries.get(name);
		if (existing != null && !(existing instanceof Directory)) {
			throw new IllegalArgumentException(name + " is already in the initramfs as a non-directory");
		}
		this.entries.put(name, new Directory(0755));
	}

	void file(String path, int permissions, byte[] content) {
		put(path, new RegularFile(permissions, content.clone()));
	}

	void textFile(String path, int permissions, String content) {
		put(path, new RegularFile(permissions, content.getBytes(StandardCharsets.UTF_8)));
	}

	void symlink(String path, String target) {
		put(path, new Symlink(target));
	}

	/**
	 * Adds a symlink unless something already has that path (busybox applets must not
	 * replace files).
	 */
	void symlinkIfAbsent(String path, String target) {
		if (!this.entries.containsKey(normalize(path))) {
			symlink(path, target);
		}
	}

	void characterDevice(String path, int permissions, int major, int minor) {
		put(path, new CharacterDevice(permissions, major, minor));
	}

	boolean contains(String path) {
		return this.entries.containsKey(normalize(path));
	}

	/**
	 * SHA-256 over every entry's path, type, permissions and content, in archive order.
	 */
	String contentHash() {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
		this.entries.forEach((name, entry) -> {
			digest.update(name.getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
			entry.digest(digest);
			digest.update((byte) 0);
		});
		return HexFormat.of().formatHex(digest.digest());
	}

	/** Writes the tree as a gzip-compressed newc cpio archive. */
	void writeGzippedCpio(OutputStream out) throws IOException {
		GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024);
		try (CpioNewcWriter cpio = new CpioNewcWriter(gzip)) {
			for (Map.Entry<String, Entry> e : this.entries.entrySet()) {
				e.getValue().write(e.getKey(), cpio);
			}
		}
	}

	private void put(String path, Entry entry) {
		String name = normalize(path);
		if (this.entries.get(name) instanceof Directory) {
			throw new IllegalArgumentException(name + " is already in the initramfs as a directory");
		}
		addParents(name);
		this.entries.put(name, entry);
	}

	private void addParents(String name) {
		int slash = name.lastIndexOf('/');
		if (slash > 0) {
			String parent = name.substring(0, slash);
			Entry existing = this.entries.get(parent);
			if (existing == null) {
				directory(parent);
			}
			else if (!(existing instanceof Directory)) {
				throw new IllegalArgumentException(parent + " is in the initramfs but is not a directory");
			}
		}
	}

	private static String normalize(String path) {
		String name = path.replaceAll("/+", "/");
		if (name.startsWith("/")) {
			name = name.substring(1);
		}
		if (name.endsWith("/")) {
			name = name.substring(0, name.length() - 1);
		}
		if (name.isEmpty()) {
			throw new IllegalArgumentException("empty path");
		}
		return name;
	}

	private sealed interface Entry permits Directory, RegularFile, Symlink, CharacterDevice {

		void write(String name, CpioNewcWriter cpio) throws IOException;

		void digest(MessageDigest digest);

	}

	private record Directory(int permissions) implements Entry {

		@Override
		public void write(String name, CpioNewcWriter cpio) throws IOException {
			cpio.directory(name, this.permissions);
		}

		@Override
		public void digest(MessageDigest digest) {
			digest.update(("d" + this.permissions).getBytes(StandardCharsets.US_ASCII));
		}

	}

	private record RegularFile(int permissions, byte[] content) implements Entry {

		@Override
		public void write(String name, CpioNewcWriter cpio) throws IOException {
			cpio.file(name, this.permissions, this.content);
		}

		@Override
		public void digest(MessageDigest digest) {
			digest
				.update(("f" + this.permissions + ":" + this.content.length + ":").getBytes(StandardCharsets.US_ASCII));
			digest.update(this.content);
		}

	}

	private record Symlink(String target) implements Entry {

		@Override
		public void write(String name, CpioNewcWriter cpio) throws IOException {
			cpio.symlink(name, this.target);
		}

		@Override
		public void digest(MessageDigest digest) {
			digest.update(("l" + this.target).getBytes(StandardCharsets.UTF_8));
			digest.update((byte) 0);
		}

	}

	private record CharacterDevice(int permissions, int major, int minor) implements Entry {

		@Override
		public void write(String name, CpioNewcWriter cpio) throws IOException {
			cpio.characterDevice(name, this.permissions, this.major, this.minor);
		}

		@Override
		public void digest(MessageDigest digest) {
			digest.update(
					("c" + this.permissions + ":" + this.major + ":" + this.minor).getBytes(StandardCharsets.US_ASCII));
		}

	}

}
