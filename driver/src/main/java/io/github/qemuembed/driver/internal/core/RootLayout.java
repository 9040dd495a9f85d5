package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/**
 * The directory layout under a driver's root, the same as libvirt's embedded QEMU driver:
 *
 * <pre>
 * ROOT/etc/qemu/NAME.xml          persistent definitions
 * ROOT/etc/secrets/               embedded secret driver
 * ROOT/run/qemu/driver.pid        locked while a driver is open
 * ROOT/run/qemu/NAME.xml          live state of a running domain
 * ROOT/run/qemu/NAME.pid          QEMU's pidfile
 * ROOT/lib/qemu/domain-ID-NAME/   per-run private dir (monitor and console sockets)
 * ROOT/lib/qemu/save/NAME.save    managed-save image (domain XML + QEMU migration stream)
 * ROOT/log/qemu/NAME.log          QEMU's output and command line
 * ROOT/cache/qemu/capabilities/   probed capabilities
 * </pre>
 */
final class RootLayout {

	/**
	 * UNIX socket paths ({@code sun_path}) hold at most 107 bytes plus the terminating
	 * NUL.
	 */
	public static final int MAX_SOCKET_PATH = 107;

	/**
	 * Like libvirt's short domain name: private directories use at most this many
	 * characters of the name.
	 */
	static final int SHORT_NAME_LENGTH = 20;

	/**
	 * The longest suffix a socket path gets below the root: ids up to 7 digits, a
	 * 20-character name, and the longest socket file name the command builder uses
	 * ({@code channelNN.sock}; {@code monitor.sock}, {@code serialN.sock} and
	 * {@code consoleN.sock} are shorter).
	 */
	static final String LONGEST_SOCKET_SUFFIX = "/lib/qemu/domain-9999999-" + "n".repeat(SHORT_NAME_LENGTH)
			+ "/channel99.sock";

	/** The longest root accepted: {@value #MAX_SOCKET_PATH} minus the longest suffix. */
	public static final int MAX_ROOT_LENGTH = MAX_SOCKET_PATH - 60;

	private final Path root;

	private RootLayout(Path root) {
		this.root = root;
	}

	/**
	 * Validates the root (absolute, short enough for every socket path the driver will
	 * create) and returns its layout; nothing is created yet.
	 */
	public static RootLayout of(Path root) {
		if (!root.isAbsolute()) {
			throw new InvalidConfigurationException(null,
					"Root directory '" + root + "' is relative: give an absolute path");
		}
		Path normalized = root.normalize();
		int longest = normalized.toString().getBytes(StandardCharsets.UTF_8).length + LONGEST_SOCKET_SUFFIX.length();
		if (longest > MAX_SOCKET_PATH) {
			int allowed = MAX_SOCKET_PATH - LONGEST_SOCKET_SUFFIX.length();
			throw new InvalidConfigurationException(null,
					"Root directory '" + normalized + "' is too long for the UNIX socket paths below it (" + longest
							+ " bytes, the limit is " + MAX_SOCKET_PATH + "): use a root of at most " + allowed
							+ " bytes, e.g. under /var/lib or /tmp");
		}
		return new RootLayout(normalized);
	}

	/**
	 * Creates every directory of the layout that does not exist yet (owner-only where
	 * state is private).
	 */
	public void create() {
		try {
			for (Path dir : new Path[] { this.root, definitionsDir(), secretsDir(), runDir(), libDir(), logDir(),
					capabilitiesDir() }) {
				if (!Files.isDirectory(dir)) {
					Files.createDirectories(dir);
				}
			}
			restrict(secretsDir());
			restrict(libDir());
		}
		catch (IOException ex) {
			// typically a read-only file system (a container's root with
			// readOnlyRootFilesystem) or a
			// directory of another user: a configuration to change, not an I/O accident
			throw new InvalidConfigurationException(null,
					"Cannot create the root layout under " + this.root + " (" + ex.getMessage()
							+ "): the root must be a writable directory; in a container, put it on a "
							+ "writable volume (the sample image's /var/lib/qemu-embed, a PVC in Kubernetes)",
					ex);
		}
	}

	private static void restrict(Path dir) throws IOException {
		Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
	}

	public Path root() {
		return this.root;
	}

	public Path definitionsDir() {
		return this.root.resolve("etc/qemu");
	}

	public Path secretsDir() {
		return this.root.resolve("etc/secrets");
	}

	public Path runDir() {
		return this.root.resolve("run/qemu");
	}

	public Path libDir() {
		return this.root.resolve("lib/qemu");
	}

	public Path logDir() {
		return this.root.resolve("log/qemu");
	}

	public Path capabilitiesDir() {
		return this.root.resolve("cache/qemu/capabilities");
	}

	public Path driverPidFile() {
		return runDir().resolve("driver.pid");
	}

	public Path definitionFile(String name) {
		return definitionsDir().resolve(name + ".xml");
	}

	public Path runStateFile(String name) {
		return runDir().resolve(name + ".xml");
	}

	public Path pidFile(String name) {
		return runDir().resolve(name + ".pid");
	}

	/** {@code lib/qemu/save}: managed-save images, as libvirt keeps them. */
	public Path saveDir() {
		return libDir().resolve("save");
	}

	/** {@code lib/qemu/save/NAME.save}. */
	public Path managedSaveFile(String name) {
		return saveDir().resolve(name + ".save");
	}

	public Path logFile(String name) {
		return logDir().resolve(name + ".log");
	}

	/**
	 * {@code lib/qemu/domain-ID-SHORTNAME}: short so that socket paths always fit (see
	 * {@link #of(Path)}).
	 */
	public Path privateDir(int id, String name) {
		String shortName = name.length() > SHORT_NAME_LENGTH ? name.substring(0, SHORT_NAME_LENGTH) : name;
		return libDir().resolve("domain-" + id + "-" + shortName);
	}

	@Override
	public String toString() {
		return this.root.toString();
	}

}
