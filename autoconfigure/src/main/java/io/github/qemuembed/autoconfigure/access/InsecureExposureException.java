package io.github.qemuembed.autoconfigure.access;

import java.util.List;

/**
 * {@code qemu.embed.security.strict=true}, and VMs can be changed over HTTP (write
 * operations are on) while the server or the management server listens on a non-loopback
 * address without Spring Security, or while the server is reactive, whose requests the
 * starter cannot tell from the application's own calls. The message names the settings on
 * both sides.
 */
public class InsecureExposureException extends IllegalStateException {

	private final List<String> writeSettings;

	private final List<String> listeners;

	private final boolean reactive;

	private InsecureExposureException(String message, List<String> writeSettings, List<String> listeners,
			boolean reactive) {
		super(message);
		this.writeSettings = List.copyOf(writeSettings);
		this.listeners = List.copyOf(listeners);
		this.reactive = reactive;
	}

	static InsecureExposureException withoutSecurity(List<String> writeSettings, List<String> listeners) {
		return new InsecureExposureException("VMs can be changed over HTTP (" + String.join("; ", writeSettings)
				+ ") and " + String.join(" and ", listeners) + " without Spring Security: anyone who reaches the port"
				+ " is an anonymous caller", writeSettings, listeners, false);
	}

	static InsecureExposureException reactive(List<String> writeSettings) {
		return new InsecureExposureException("VMs can be changed over HTTP (" + String.join("; ", writeSettings)
				+ ") but the server is reactive (WebFlux): a reactive request is bound to no thread, so the starter"
				+ " cannot tell its driver calls from the application's own, and every request, anonymous or not,"
				+ " would act as the application", writeSettings, List.of(), true);
	}

	/** Whether the server is reactive, rather than reachable without Spring Security. */
	public boolean reactive() {
		return this.reactive;
	}

	/**
	 * The settings that turn write operations on, e.g. the qemu endpoint's unrestricted
	 * access.
	 */
	public List<String> writeSettings() {
		return this.writeSettings;
	}

	/**
	 * The servers that listen beyond the loopback interface, with the property that says
	 * so.
	 */
	public List<String> listeners() {
		return this.listeners;
	}

}
