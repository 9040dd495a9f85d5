package io.github.qemuembed.driver.secondary.storage;

import java.util.Locale;
import java.util.Map;

import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.error.StorageException.Problem;

/** libvirt's scaled integers ({@code <capacity unit='GiB'>10</capacity>}) in bytes. */
final class Capacity {

	private static final Map<String, Long> UNITS = Map.ofEntries(Map.entry("b", 1L), Map.entry("bytes", 1L),
			Map.entry("kb", 1000L), Map.entry("k", 1L << 10), Map.entry("kib", 1L << 10), Map.entry("mb", 1000_000L),
			Map.entry("m", 1L << 20), Map.entry("mib", 1L << 20), Map.entry("gb", 1000_000_000L),
			Map.entry("g", 1L << 30), Map.entry("gib", 1L << 30), Map.entry("tb", 1000_000_000_000L),
			Map.entry("t", 1L << 40), Map.entry("tib", 1L << 40));

	private Capacity() {
	}

	/**
	 * The number of bytes; a typed error naming {@code where} for a bad number or unit,
	 * or an overflow.
	 */
	static long bytes(String where, String value, String unit) {
		Long scale = UNITS.get(unit.toLowerCase(Locale.ROOT));
		if (scale == null) {
			throw new StorageException(Problem.INVALID_REQUEST, where + ": unknown unit '" + unit
					+ "': use bytes, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000)");
		}
		long number;
		try {
			number = Long.parseLong(value.strip());
		}
		catch (NumberFormatException ex) {
			throw new StorageException(Problem.INVALID_REQUEST, where + ": '" + value + "' is not a whole number");
		}
		if (number < 0) {
			throw new StorageException(Problem.INVALID_REQUEST, where + ": must not be negative");
		}
		try {
			return Math.multiplyExact(number, scale);
		}
		catch (ArithmeticException ex) {
			throw new StorageException(Problem.INVALID_REQUEST, where + ": " + value + " " + unit + " is too large");
		}
	}

}
