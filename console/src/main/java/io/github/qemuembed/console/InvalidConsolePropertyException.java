package io.github.qemuembed.console;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.QemuEmbedException;

/**
 * A {@code qemu.embed.console.*} property has a value the console cannot use. The message
 * names the key.
 */
public class InvalidConsolePropertyException extends QemuEmbedException {

	private final String key;

	InvalidConsolePropertyException(String key, String problem) {
		super(ErrorCode.INVALID_ARG, "'" + key + "': " + problem);
		this.key = key;
	}

	/** The key to change, e.g. {@code qemu.embed.console.path}. */
	public String getKey() {
		return this.key;
	}

}
