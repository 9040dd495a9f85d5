package io.github.qemuembed.driver.internal.xml;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/**
 * libvirt's rules for domain names, and the check that a name's per-run sockets fit the
 * 107 bytes of a UNIX socket path under a given root.
 */
public final class DomainNames {

	/**
	 * Longest UNIX socket path, in bytes ({@code sun_path} is 108 bytes including the
	 * terminating NUL).
	 */
	public static final int MAX_SOCKET_PATH = 107;

	/** Digits reserved for the domain id in {@code domain-ID-NAME} (ids are ints). */
	static final int ID_DIGITS = 10;

	/**
	 * Longest socket file name the command builder creates in the private directory
	 * ({@code monitor.sock}, {@code serial0.sock}, {@code channel0.sock} ...
	 * {@code channel99.sock}).
	 */
	static final String LONGEST_SOCKET_FILE = "channel99.sock";

	/**
	 * Longest name accepted at all (libvirt has no limit of its own; this keeps file
	 * names sane).
	 */
	public static final int MAX_NAME_BYTES = 200;

	private DomainNames() {
	}

	/**
	 * Checks a domain name: not empty, no {@code /}, no leading {@code .}, no control
	 * characters, at most {@value #MAX_NAME_BYTES} bytes of UTF-8.
	 * @throws InvalidConfigurationException naming {@code /domain/name} and the rule
	 */
	public static void validate(String name) {
		String path = "/domain/name";
		if (name == null || name.isEmpty()) {
			throw new InvalidConfigurationException(path, "the domain name must not be empty");
		}
		if (name.indexOf('/') >= 0) {
			throw new InvalidConfigurationException(path, "the domain name must not contain '/'");
		}
		if (name.startsWith(".")) {
			throw new InvalidConfigurationException(path, "the domain name must not start with '.'");
		}
		for (int i = 0; i < name.length(); i++) {
			if (Character.isISOControl(name.charAt(i))) {
				throw new InvalidConfigurationException(path, "the domain name must not contain control characters");
			}
		}
		int bytes = name.getBytes(StandardCharsets.UTF_8).length;
		if (bytes > MAX_NAME_BYTES) {
			throw new InvalidConfigurationException(path,
					"the domain name has " + bytes + " bytes; at most " + MAX_NAME_BYTES + " are allowed");
		}
	}

	/**
	 * The per-run private directory of a domain: {@code ROOT/lib/qemu/domain-ID-NAME}.
	 */
	public static Path privateDir(Path root, int id, String name) {
		return root.resolve("lib").resolve("qemu").resolve("domain-" + id + "-" + name);
	}

	/**
	 * Checks that every socket the driver creates for this domain under {@code root} fits
	 * in a UNIX socket path, whatever its id.
	 * @throws InvalidConfigurationException naming the root and how long the name (or
	 * root) may be
	 */
	public static void checkSocketPathFits(Path root, String name) {
		String longest = privateDir(root.toAbsolutePath(), Integer.MAX_VALUE, name).resolve(LONGEST_SOCKET_FILE)
			.toString();
		int length = longest.getBytes(StandardCharsets.UTF_8).length;
		if (length > MAX_SOCKET_PATH) {
			int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
			int allowedName = nameBytes - (length - MAX_SOCKET_PATH);
			int rootBytes = root.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
			int allowedRoot = rootBytes - (length - MAX_SOCKET_PATH);
			throw new InvalidConfigurationException("/domain/name",
					"the domain name is too long for root " + root + ": its sockets (" + longest + ") would need "
							+ length + " bytes, but UNIX socket paths hold " + MAX_SOCKET_PATH
							+ "; under this root a name may have at most " + Math.max(allowedName, 0)
							+ " bytes, or use a root of at most " + Math.max(allowedRoot, 0) + " bytes for this name");
		}
	}

}
