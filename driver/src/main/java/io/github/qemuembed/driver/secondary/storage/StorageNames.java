package io.github.qemuembed.driver.secondary.storage;

import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.error.StorageException.Problem;

/**
 * Pool and volume names become file names ({@code ROOT/etc/storage/NAME.xml},
 * {@code TARGET/VOLUME}), so they must be plain names: no {@code /}, no {@code ..}, no
 * leading dot (the driver's own temporary files are hidden ones), nothing a shell or a
 * QEMU option parser treats specially.
 */
final class StorageNames {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,199}");

	private StorageNames() {
	}

	static String pool(String name) {
		return check(name, "pool");
	}

	static String volume(String name) {
		return check(name, "volume");
	}

	private static String check(String name, String what) {
		if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
			String shown = (name == null) ? "null" : "'" + abbreviate(name) + "'";
			throw new StorageException(Problem.INVALID_NAME, "invalid " + what + " name " + shown + ": use 1 to 200 "
					+ "letters, digits, '_', '.', '+' or '-', not starting with '.' or '-', without '..' or '/'");
		}
		return name;
	}

	private static String abbreviate(String name) {
		String printable = name.codePoints()
			.map((c) -> (c < 0x20 || c == 0x7f) ? '?' : c)
			.collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
			.toString();
		return (printable.length() > 60) ? printable.substring(0, 60) + "…" : printable;
	}

}
