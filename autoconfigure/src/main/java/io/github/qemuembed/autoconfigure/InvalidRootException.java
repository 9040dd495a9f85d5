package io.github.qemuembed.autoconfigure;

import java.nio.file.Path;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/**
 * The driver refused the root directory itself (for example a path too long for the UNIX
 * socket paths below it). Raised by the auto-configuration around the driver's own error,
 * so that the failure analysis can name the property to change.
 */
public class InvalidRootException extends IllegalStateException {

	private final Path root;

	private final boolean temporary;

	public InvalidRootException(QemuEmbedRoot root, InvalidConfigurationException cause) {
		super("The qemu-embed root " + root.path() + " cannot be used: " + cause.getMessage(), cause);
		this.root = root.path();
		this.temporary = root.isTemporary();
	}

	public Path getRoot() {
		return this.root;
	}

	/** Whether the root was the temporary one (made under {@code java.io.tmpdir}). */
	public boolean isTemporary() {
		return this.temporary;
	}

}
