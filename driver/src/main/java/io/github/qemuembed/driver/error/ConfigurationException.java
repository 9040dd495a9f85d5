package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * Common base of the two domain-XML errors: both name the location in the document
 * ({@code /domain/devices/disk[2]/target/@dev}) that the user has to change.
 */
public abstract class ConfigurationException extends QemuEmbedException {

	private final @Nullable String path;

	protected ConfigurationException(ErrorCode code, @Nullable String path, String message, @Nullable Throwable cause) {
		super(code, (path != null ? path + ": " : "") + message, cause);
		this.path = path;
	}

	/**
	 * XPath-like location of the offending element or attribute, or {@code null} for the
	 * whole document.
	 */
	public @Nullable String path() {
		return this.path;
	}

}
