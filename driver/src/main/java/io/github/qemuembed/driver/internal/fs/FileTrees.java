package io.github.qemuembed.driver.internal.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

import io.github.qemuembed.driver.error.HostIoException;

/**
 * Deletes directory trees without ever following a symbolic link: a link inside the tree
 * (or the tree's own path, if it is a link) is removed as a link, and what it points to
 * is left alone. A tree under a VM's private directory or a temporary root can hold links
 * a guest or a user put there; following one would delete files outside the tree.
 */
public final class FileTrees {

	private FileTrees() {
	}

	/**
	 * Deletes {@code tree} and everything below it; nothing happens if it does not exist.
	 * Goes on past entries it cannot delete, then reports the first.
	 * @throws HostIoException naming the entry that could not be deleted
	 */
	public static void delete(Path tree) {
		IOException failure = deleteCollecting(tree);
		if (failure != null) {
			throw new HostIoException("Cannot delete " + tree + " completely; check its permissions and mounts",
					failure);
		}
	}

	/**
	 * Deletes {@code tree} as far as possible, for clean-ups where a leftover is harmless
	 * (replaced or removed later).
	 * @return whether nothing of the tree is left
	 */
	public static boolean deleteQuietly(Path tree) {
		return deleteCollecting(tree) == null;
	}

	private static IOException deleteCollecting(Path tree) {
		if (!Files.exists(tree, LinkOption.NOFOLLOW_LINKS)) {
			return null;
		}
		Deleter deleter = new Deleter();
		try {
			// walkFileTree without FOLLOW_LINKS reports a link as a file (its own
			// attributes), never descends into it
			Files.walkFileTree(tree, deleter);
		}
		catch (IOException ex) {
			deleter.record(ex);
		}
		return deleter.first;
	}

	private static final class Deleter extends SimpleFileVisitor<Path> {

		private IOException first;

		@Override
		public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
			delete(file);
			return FileVisitResult.CONTINUE;
		}

		@Override
		public FileVisitResult visitFileFailed(Path file, IOException ex) {
			if (!(ex instanceof NoSuchFileException)) {
				// unreadable: try to delete it anyway (an empty directory, a special
				// file)
				delete(file);
			}
			return FileVisitResult.CONTINUE;
		}

		@Override
		public FileVisitResult postVisitDirectory(Path dir, IOException ex) {
			if (ex != null && !(ex instanceof NoSuchFileException)) {
				record(ex);
			}
			delete(dir);
			return FileVisitResult.CONTINUE;
		}

		private void delete(Path path) {
			try {
				Files.deleteIfExists(path);
			}
			catch (IOException ex) {
				record(ex);
			}
		}

		void record(IOException ex) {
			if (this.first == null) {
				this.first = ex;
			}
		}

	}

}
