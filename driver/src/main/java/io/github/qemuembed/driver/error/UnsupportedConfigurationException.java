package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * The configuration is well formed but asks for something the driver does not support (an
 * unknown element, attribute or value). The message gives the path and what is supported
 * instead; nothing is ever silently dropped.
 */
public class UnsupportedConfigurationException extends ConfigurationException {

	public UnsupportedConfigurationException(@Nullable String path, String message) {
		this(path, message, null);
	}

	public UnsupportedConfigurationException(@Nullable String path, String message, @Nullable Throwable cause) {
		super(ErrorCode.CONFIG_UNSUPPORTED, path, message, cause);
	}

}
