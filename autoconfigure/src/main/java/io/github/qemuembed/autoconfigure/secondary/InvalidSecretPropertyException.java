package io.github.qemuembed.autoconfigure.secondary;

/**
 * A secret under {@code qemu.embed.secrets} is unusable. The message names the key, never
 * the value.
 */
public class InvalidSecretPropertyException extends RuntimeException {

	private final String key;

	InvalidSecretPropertyException(String key, String problem) {
		super("'" + key + "' " + problem);
		this.key = key;
	}

	/** The key to change, e.g. {@code qemu.embed.secrets.<uuid>}. */
	public String getKey() {
		return this.key;
	}

}
