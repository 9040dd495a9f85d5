package io.github.qemuembed.testsupport.guest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;

import io.github.qemuembed.driver.internal.fs.FileTrees;

/**
 * The directory where the test guest's kernel and initramfs are kept between runs.
 * <p>
 * Chosen by the system property {@value #CACHE_PROPERTY}, else the environment variable
 * {@value #CACHE_ENV}, else {@code $XDG_CACHE_HOME/qemu-embed}, else
 * {@code ~/.cache/qemu-embed}. Several JVMs may fill it at once: everything is built
 * under a temporary name in the same directory and then renamed into place atomically, so
 * a reader sees either nothing or a complete entry.
 */
final class GuestCache {

	static final String CACHE_PROPERTY = "qemu.embed.cache.dir";

	static final String CACHE_ENV = "QEMU_EMBED_CACHE_DIR";

	static final String TEMP_PREFIX = ".tmp-";

	private static final Duration STALE_TEMP_AGE = Duration.ofHours(1);

	private final Path root;

	GuestCache(Path root) {
		this.root = root;
	}

	static GuestCache standard() {
		String configured = Settings.get(CACHE_PROPERTY, CACHE_ENV);
		if (configured != null) {
			return new GuestCache(Path.of(configured));
		}
		String xdg = System.getenv("XDG_CACHE_HOME");
		if (xdg != null && !xdg.isBlank()) {
			return new GuestCache(Path.of(xdg, "qemu-embed"));
		}
		return new GuestCache(Path.of(System.getProperty("user.home"), ".cache", "qemu-embed"));
	}

	Path root() {
		return this.root;
	}

	/** The directory {@code name} under the cache, created if missing. */
	Path directory(String name) {
		Path dir = this.root.resolve(name);
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new TestGuestException("cannot create the test guest cache directory " + dir + " (" + ex + "); set -D"
					+ CACHE_PROPERTY + " or " + CACHE_ENV + " to a writable directory", ex);
		}
		return dir;
	}

	/** A fresh temporary directory next to where its content will be published. */
	static Path temporaryDirectory(Path parent, String purpose) {
		removeStaleTemporaries(parent);
		try {
			return Files.createTempDirectory(parent, TEMP_PREFIX + purpose + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot create a temporary directory in " + parent, ex);
		}
	}

	/**
	 * Renames {@code source} to {@code target} atomically. If another process published
	 * {@code target} first, keeps theirs and deletes {@code source}.
	 */
	static void publish(Path source, Path target) {
		try {
			Files.move(source, target, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (FileAlreadyExistsException | DirectoryNotEmptyException ex) {
			deleteRecursively(source);
		}
		catch (AtomicMoveNotSupportedException ex) {
			deleteRecursively(source);
			throw new TestGuestException("the cache directory " + target.getParent()
					+ " does not support atomic renames; set -D" + CACHE_PROPERTY + " to a local directory", ex);
		}
		catch (IOException ex) {
			if (Files.exists(target)) {
				deleteRecursively(source);
				return;
			}
			throw new UncheckedIOException("cannot move " + source + " to " + target, ex);
		}
	}

	/**
	 * Renames {@code source} over {@code target} atomically (both hold the same kind of
	 * content).
	 */
	static void replace(Path source, Path target) {
		try {
			Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			deleteRecursively(source);
			throw new UncheckedIOException("cannot move " + source + " to " + target, ex);
		}
	}

	static void deleteRecursively(Path path) {
		// best effort: a leftover temporary is removed by a later run
		FileTrees.deleteQuietly(path);
	}

	/**
	 * Temporaries of builds that died (a killed JVM) are removed once they are clearly
	 * abandoned.
	 */
	private static void removeStaleTemporaries(Path parent) {
		Instant staleBefore = Instant.now().minus(STALE_TEMP_AGE);
		try (Stream<Path> list = Files.list(parent)) {
			list.filter((p) -> p.getFileName().toString().startsWith(TEMP_PREFIX)).forEach((p) -> {
				try {
					if (Files.getLastModifiedTime(p).toInstant().isBefore(staleBefore)) {
						deleteRecursively(p);
					}
				}
				catch (IOException ex) {
					// Gone already, or not ours to delete.
				}
			});
		}
		catch (IOException ex) {
			// Nothing to clean.
		}
	}

}
