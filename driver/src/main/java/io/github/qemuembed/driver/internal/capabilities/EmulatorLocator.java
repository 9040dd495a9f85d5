package io.github.qemuembed.driver.internal.capabilities;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

import io.github.qemuembed.driver.error.EmulatorException;

/**
 * Finds the QEMU binary: the configured one, checked, or {@value #DEFAULT_BINARY} on
 * {@code PATH}.
 */
public final class EmulatorLocator {

	/** The emulator used when none is configured. */
	public static final String DEFAULT_BINARY = "qemu-system-x86_64";

	private static final String HINT = "install the Debian package qemu-system-x86, or set the emulator "
			+ "(DriverConfig.builder(root).emulator(path)) to the path of a QEMU binary";

	private final String searchPath;

	/** A locator that searches this process's {@code PATH}. */
	public EmulatorLocator() {
		this(System.getenv("PATH"));
	}

	/**
	 * A locator that searches {@code searchPath} (entries separated by
	 * {@link File#pathSeparator}).
	 */
	public EmulatorLocator(String searchPath) {
		this.searchPath = (searchPath != null) ? searchPath : "";
	}

	/**
	 * The emulator to use: {@code configured} if present (a bare name is looked up on
	 * {@code PATH}), else {@value #DEFAULT_BINARY} on {@code PATH}.
	 * @return an absolute path to an executable regular file (symbolic links are kept,
	 * not resolved, so that the path stays what the user configured)
	 * @throws EmulatorException naming the path and what to do, if there is no such
	 * executable
	 */
	public Path locate(Optional<Path> configured) {
		return configured.map(this::validate).orElseGet(() -> findOnPath(DEFAULT_BINARY));
	}

	/**
	 * Checks a configured emulator; a bare name (no directory) is looked up on
	 * {@code PATH}.
	 */
	public Path validate(Path configured) {
		if (configured.getParent() == null && !configured.isAbsolute()) {
			return findOnPath(configured.toString());
		}
		Path path = configured.toAbsolutePath().normalize();
		if (!Files.exists(path)) {
			throw new EmulatorException("The configured emulator " + path + " does not exist; " + HINT);
		}
		if (!Files.isRegularFile(path)) {
			throw new EmulatorException("The configured emulator " + path + " is not a regular file; " + HINT);
		}
		if (!Files.isExecutable(path)) {
			throw new EmulatorException("The configured emulator " + path + " is not executable; " + HINT);
		}
		return path;
	}

	/**
	 * The first executable regular file called {@code name} in the {@code PATH}
	 * directories.
	 */
	public Path findOnPath(String name) {
		for (String entry : this.searchPath.split(File.pathSeparator)) {
			if (entry.isEmpty()) {
				continue;
			}
			try {
				Path candidate = Path.of(entry).resolve(name).toAbsolutePath().normalize();
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return candidate;
				}
			}
			catch (InvalidPathException ex) {
				// a malformed PATH entry: skip it
			}
		}
		throw new EmulatorException(
				"The emulator " + name + " was not found on PATH (" + this.searchPath + "); " + HINT);
	}

}
