package io.github.qemuembed.driver.internal.xml;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/**
 * Integer parsing for XML values: decimal or {@code 0x} hexadecimal, with a range, errors
 * naming the path.
 */
final class Numbers {

	private Numbers() {
	}

	static long parse(String path, String value, long min, long max) {
		String text = value.trim();
		long parsed;
		try {
			if (text.startsWith("0x") || text.startsWith("0X")) {
				parsed = Long.parseLong(text.substring(2), 16);
			}
			else {
				parsed = Long.parseLong(text);
			}
		}
		catch (NumberFormatException ex) {
			throw new InvalidConfigurationException(path,
					"'" + abbreviate(value) + "' is not an integer between " + min + " and " + max);
		}
		if (parsed < min || parsed > max) {
			throw new InvalidConfigurationException(path,
					parsed + " is out of range; give a value between " + min + " and " + max);
		}
		return parsed;
	}

	static String abbreviate(String value) {
		return value.length() <= 40 ? value : value.substring(0, 40) + "...";
	}

}
