package io.github.qemuembed.autoconfigure.secondary;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the embedded driver finds what it does not do itself: the network, storage and
 * secret drivers of a libvirt daemon (or, for secrets and storage, the embedded ones).
 * Each is optional; a domain whose XML needs one that is not set is refused when it is
 * defined. Ignored when a {@link LibvirtConnectionDetails} bean (e.g. a Testcontainers
 * {@code @ServiceConnection}) supplies the endpoints.
 */
@ConfigurationProperties("qemu.embed.secondary")
public class QemuEmbedSecondaryProperties {

	/**
	 * Network driver: a libvirt URI such as 'network:///system',
	 * 'network:///system?socket=/path/to/libvirt-sock' or
	 * 'network+tcp://host:16509/system'. Needed by <interface type='network'>.
	 */
	private String network;

	/**
	 * Storage driver: 'embedded' (dir pools defined under ROOT/etc/storage, volumes by
	 * default under ROOT/storage), 'storage:///embed?root=DIR', or a libvirt URI such as
	 * 'storage:///system' or 'storage+tcp://host:16509/system'. Needed by
	 * <disk type='volume'>.
	 */
	private String storage;

	/**
	 * Secret driver: 'embedded' (secrets kept under ROOT/etc/secrets),
	 * 'secret:///embed?root=DIR', or a libvirt URI such as 'secret:///system'. Needed by
	 * <encryption> secrets that are not given in 'qemu.embed.secrets'.
	 */
	private String secret;

	/**
	 * Longest time to open a connection to a libvirt daemon.
	 */
	private Duration connectTimeout = Duration.ofSeconds(5);

	/**
	 * Longest time a libvirt daemon may take to answer one call (health checks included).
	 */
	private Duration timeout = Duration.ofSeconds(30);

	public String getNetwork() {
		return this.network;
	}

	public void setNetwork(String network) {
		this.network = network;
	}

	public String getStorage() {
		return this.storage;
	}

	public void setStorage(String storage) {
		this.storage = storage;
	}

	public String getSecret() {
		return this.secret;
	}

	public void setSecret(String secret) {
		this.secret = secret;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

}
