package io.github.qemuembed.driver.error;

/**
 * Common base of the two domain-XML errors: both name the location in the document
 * ({@code /domain/devices/disk[2]/target/@dev}) that the user has to change.
 */
public abstract class ConfigurationException extends QemuEmbedException {

	private final String path;

	protected ConfigurationException(ErrorCode code, String path, String message, Throwable cause) {
		super(code, (path != null ? path + ": " : "") + message, cause);
		this.path = path;
	}

	/**
	 * XPath-like location of the offending element or attribute, or {@code null} for the
	 * whole document.
	 */
	public String path() {
		return this.path;
	}

}
