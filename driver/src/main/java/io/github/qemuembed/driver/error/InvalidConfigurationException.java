package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * The configuration is malformed or breaks a rule (missing name, bad unit, duplicate
 * target, bad MAC, a name too long for the socket paths...). The message names the field
 * and the rule.
 */
public class InvalidConfigurationException extends ConfigurationException {

	public InvalidConfigurationException(@Nullable String path, String message) {
		this(path, message, null);
	}

	public InvalidConfigurationException(@Nullable String path, String message, @Nullable Throwable cause) {
		super(ErrorCode.XML_ERROR, path, message, cause);
	}

}
