package io.github.qemuembed.autoconfigure.secondary;

import org.springframework.boot.autoconfigure.service.connection.ConnectionDetails;

/**
 * Where the secondary drivers are: libvirt URIs of a daemon's network, storage and secret
 * drivers. The auto-configuration builds the drivers from the bean of this type; by
 * default it is read from {@code qemu.embed.secondary.*}, and a bean of the application
 * or a Testcontainers {@code @ServiceConnection} replaces it as a whole (as Boot does for
 * data sources).
 */
public interface LibvirtConnectionDetails extends ConnectionDetails {

	/**
	 * The network driver's URI, e.g. {@code network:///system}; {@code null} when there
	 * is none.
	 */
	String getNetworkUri();

	/**
	 * The storage driver's URI, e.g. {@code storage:///system}; {@code null} when there
	 * is none.
	 */
	String getStorageUri();

	/**
	 * The secret driver's URI, e.g. {@code secret:///system}, or {@code embedded};
	 * {@code null} when there is none (values from {@code qemu.embed.secrets} are used
	 * either way).
	 */
	String getSecretUri();

}
