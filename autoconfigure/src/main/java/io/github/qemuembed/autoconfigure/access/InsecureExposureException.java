package io.github.qemuembed.autoconfigure.access;

import java.util.List;

/**
 * {@code qemu.embed.security.strict=true}, and VMs can be changed over HTTP (write operations are
 * on) while the server or the management server listens on a non-loopback address without Spring
 * Security. The message names the settings on both sides.
 */
public class InsecureExposureException extends IllegalStateException {

	private final List<String> writeSettings;

	private final List<String> listeners;

	InsecureExposureException(List<String> writeSettings, List<String> listeners) {
		super("VMs can be changed over HTTP (" + String.join("; ", writeSettings) + ") and "
				+ String.join(" and ", listeners) + " without Spring Security: anyone who reaches the port is an"
				+ " anonymous caller");
		this.writeSettings = List.copyOf(writeSettings);
		this.listeners = List.copyOf(listeners);
	}

	/** The settings that turn write operations on, e.g. {@code qemu.embed.actuator.write-operations=true}. */
	public List<String> writeSettings() {
		return this.writeSettings;
	}

	/** The servers that listen beyond the loopback interface, with the property that says so. */
	public List<String> listeners() {
		return this.listeners;
	}

}
