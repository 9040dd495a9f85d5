package io.github.qemuembed.autoconfigure.secondary;

/**
 * An entry of {@code qemu.embed.storage} cannot be made true. The message names the key.
 */
public class InvalidStoragePropertyException extends RuntimeException {

	private final String key;

	InvalidStoragePropertyException(String key, String problem, Throwable cause) {
		super("'" + key + "': " + problem, cause);
		this.key = key;
	}

	/**
	 * The key to change, e.g.
	 * {@code qemu.embed.storage.pools.images.volumes[base.qcow2]}.
	 */
	public String getKey() {
		return this.key;
	}

}
