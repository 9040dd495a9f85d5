package io.github.qemuembed.testsupport.guest;

/** Reads a setting from a system property first, then from an environment variable. */
final class Settings {

	private Settings() {
	}

	static String get(String property, String environmentVariable) {
		String value = System.getProperty(property);
		if (value == null || value.isBlank()) {
			value = System.getenv(environmentVariable);
		}
		return (value == null || value.isBlank()) ? null : value.trim();
	}

}
