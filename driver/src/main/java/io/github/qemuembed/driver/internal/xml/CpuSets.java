package io.github.qemuembed.driver.internal.xml;

import java.util.BitSet;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/**
 * libvirt's CPU list syntax ({@code 0-3,^2,6}): parsed, checked and written back as
 * ranges ({@code 0-1,3,6}).
 */
final class CpuSets {

	private static final Pattern NUMBER = Pattern.compile("[0-9]{1,4}");

	/** Highest CPU number accepted (libvirt's limit is 4096 CPUs). */
	static final int MAX_CPU = 4095;

	private CpuSets() {
	}

	public static String normalize(String path, String text) {
		return format(parse(path, text));
	}

	static BitSet parse(String path, String text) {
		BitSet cpus = new BitSet();
		BitSet excluded = new BitSet();
		String[] parts = text.trim().split(",", -1);
		if (parts.length > MAX_CPU + 1) {
			throw invalid(path, text);
		}
		for (String raw : parts) {
			String part = raw.trim();
			boolean exclude = part.startsWith("^");
			if (exclude) {
				part = part.substring(1);
			}
			int dash = part.indexOf('-');
			int first;
			int last;
			if (dash < 0) {
				first = number(path, text, part);
				last = first;
			}
			else {
				first = number(path, text, part.substring(0, dash));
				last = number(path, text, part.substring(dash + 1));
			}
			if (last < first || (exclude && dash >= 0)) {
				throw invalid(path, text);
			}
			(exclude ? excluded : cpus).set(first, last + 1);
		}
		cpus.andNot(excluded);
		if (cpus.isEmpty()) {
			throw new InvalidConfigurationException(path, "'" + Numbers.abbreviate(text) + "' selects no CPU");
		}
		return cpus;
	}

	private static int number(String path, String text, String value) {
		if (!NUMBER.matcher(value).matches()) {
			throw invalid(path, text);
		}
		int number = Integer.parseInt(value);
		if (number > MAX_CPU) {
			throw invalid(path, text);
		}
		return number;
	}

	private static InvalidConfigurationException invalid(String path, String text) {
		return new InvalidConfigurationException(path,
				"'" + Numbers.abbreviate(text) + "' is not a CPU list (like 0-3,^2,6, CPUs 0 to " + MAX_CPU + ")");
	}

	static String format(BitSet cpus) {
		StringBuilder out = new StringBuilder();
		int start = cpus.nextSetBit(0);
		while (start >= 0) {
			int end = cpus.nextClearBit(start) - 1;
			if (out.length() > 0) {
				out.append(',');
			}
			out.append(start);
			if (end > start) {
				out.append('-').append(end);
			}
			start = cpus.nextSetBit(end + 1);
		}
		return out.toString();
	}

}
