package io.github.qemuembed.autoconfigure.secondary;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.github.qemuembed.autoconfigure.secondary.QemuEmbedSecretsProperties.Secret;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.observation.DriverObserver;
import io.github.qemuembed.driver.secondary.ChainedSecretDriver;
import io.github.qemuembed.driver.secondary.NetworkDriver;
import io.github.qemuembed.driver.secondary.SecondaryDriver;
import io.github.qemuembed.driver.secondary.SecondaryDriverFactory;
import io.github.qemuembed.driver.secondary.SecondaryDriverFactory.Kind;
import io.github.qemuembed.driver.secondary.SecondaryDrivers;
import io.github.qemuembed.driver.secondary.SecretDriver;
import io.github.qemuembed.driver.secondary.StaticSecretDriver;
import io.github.qemuembed.driver.secondary.StorageDriver;
import io.github.qemuembed.driver.secondary.RemoteOptions;

import org.springframework.beans.factory.DisposableBean;

/**
 * The secondary drivers of the auto-configured
 * {@link io.github.qemuembed.driver.QemuDriver}, built from
 * {@link LibvirtConnectionDetails} and {@code qemu.embed.secrets}, and closed with the
 * context (after the driver, which does not close them itself).
 */
public final class QemuEmbedSecondaryDrivers implements DisposableBean {

	/** The endpoint name of secrets that come from {@code qemu.embed.secrets}. */
	public static final String PROPERTIES_ENDPOINT = "properties";

	private final Optional<NetworkDriver> network;

	private final Optional<StorageDriver> storage;

	private final Optional<SecretDriver> secret;

	QemuEmbedSecondaryDrivers(Optional<NetworkDriver> network, Optional<StorageDriver> storage,
			Optional<SecretDriver> secret) {
		this.network = network;
		this.storage = storage;
		this.secret = secret;
	}

	/**
	 * Creates the drivers (remote ones connect lazily, so this never fails because a
	 * daemon is down; a URI that is not usable fails here, naming the key).
	 * @param root the driver's root, for the {@code embedded} secret and storage drivers
	 * @param observer watches the calls of the remote drivers
	 */
	static QemuEmbedSecondaryDrivers create(LibvirtConnectionDetails details, QemuEmbedSecondaryProperties properties,
			Map<String, Secret> secrets, Path root, AccessPolicy policy, CallerSupplier callers,
			DriverObserver observer) {
		List<SecondaryDriver> created = new ArrayList<>();
		try {
			Optional<NetworkDriver> network = Optional.ofNullable(details.getNetworkUri())
				.map((uri) -> (NetworkDriver) remember(created, SecondaryDriverFactory.fromUri(uri, Kind.NETWORK,
						options(Kind.NETWORK, properties, observer))));
			Optional<StorageDriver> storage = Optional.ofNullable(details.getStorageUri())
				.map((uri) -> (StorageDriver) remember(created,
						storageDriver(uri, properties, root, policy, callers, observer)));
			Optional<SecretDriver> configured = Optional.ofNullable(details.getSecretUri())
				.map((uri) -> (SecretDriver) remember(created,
						secretDriver(uri, properties, root, policy, callers, observer)));
			Optional<SecretDriver> secret = withSecretsFromProperties(secrets, configured);
			return new QemuEmbedSecondaryDrivers(network, storage, secret);
		}
		catch (RuntimeException ex) {
			created.forEach(SecondaryDriver::close);
			throw ex;
		}
	}

	private static SecondaryDriver remember(List<SecondaryDriver> created, SecondaryDriver driver) {
		created.add(driver);
		return driver;
	}

	private static StorageDriver storageDriver(String uri, QemuEmbedSecondaryProperties properties, Path root,
			AccessPolicy policy, CallerSupplier callers, DriverObserver observer) {
		if (uri.equals(SecondaryDriverFactory.EMBEDDED) || uri.startsWith("storage:///embed")) {
			return SecondaryDriverFactory.storageDriver(uri, root, policy, callers);
		}
		return (StorageDriver) SecondaryDriverFactory.fromUri(uri, Kind.STORAGE,
				options(Kind.STORAGE, properties, observer));
	}

	private static SecretDriver secretDriver(String uri, QemuEmbedSecondaryProperties properties, Path root,
			AccessPolicy policy, CallerSupplier callers, DriverObserver observer) {
		if (uri.equals(SecondaryDriverFactory.EMBEDDED) || uri.startsWith("secret:///embed")) {
			return SecondaryDriverFactory.secretDriver(uri, root, policy, callers);
		}
		return (SecretDriver) SecondaryDriverFactory.fromUri(uri, Kind.SECRET,
				options(Kind.SECRET, properties, observer));
	}

	private static RemoteOptions options(Kind kind, QemuEmbedSecondaryProperties properties, DriverObserver observer) {
		Duration connect = properties.getConnectTimeout();
		Duration call = properties.getTimeout();
		return new RemoteOptions(connect, call, observer);
	}

	private static Optional<SecretDriver> withSecretsFromProperties(Map<String, Secret> secrets,
			Optional<SecretDriver> configured) {
		if (secrets.isEmpty()) {
			return configured;
		}
		Map<UUID, byte[]> values = new LinkedHashMap<>();
		secrets.forEach((key, secret) -> {
			UUID uuid = uuid(key);
			if (values.put(uuid, decode(key, secret)) != null) {
				throw new InvalidSecretPropertyException("qemu.embed.secrets." + key,
						"names secret " + uuid + " again (once with dashes, once without?): keep one");
			}
		});
		StaticSecretDriver fromProperties = new StaticSecretDriver(values, PROPERTIES_ENDPOINT);
		values.values().forEach((value) -> Arrays.fill(value, (byte) 0)); // the driver
																			// holds
																			// copies
		if (configured.isEmpty()) {
			return Optional.of(fromProperties);
		}
		return Optional.of(new ChainedSecretDriver(List.of(fromProperties, configured.get())));
	}

	/**
	 * A UUID with dashes, or its 32 hex digits (environment variables cannot carry dashes
	 * in keys).
	 */
	static UUID uuid(String key) {
		String text = key.strip();
		if (text.matches("[0-9a-fA-F]{32}")) {
			text = text.substring(0, 8) + "-" + text.substring(8, 12) + "-" + text.substring(12, 16) + "-"
					+ text.substring(16, 20) + "-" + text.substring(20);
		}
		if (text.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
			return UUID.fromString(text);
		}
		throw new InvalidSecretPropertyException("qemu.embed.secrets." + key,
				"is not keyed by a UUID: use the secret's UUID, with dashes or as 32 hex digits");
	}

	private static byte[] decode(String uuidKey, Secret secret) {
		String key = "qemu.embed.secrets." + uuidKey;
		boolean hasValue = secret.getValue() != null;
		boolean hasBase64 = secret.getBase64() != null;
		if (hasValue == hasBase64) {
			throw new InvalidSecretPropertyException(key,
					hasValue ? "has both 'value' and 'base64': keep one" : "has neither 'value' nor 'base64': set one");
		}
		if (hasValue) {
			return secret.getValue().getBytes(StandardCharsets.UTF_8);
		}
		try {
			return Base64.getDecoder().decode(secret.getBase64().strip());
		}
		catch (IllegalArgumentException ex) {
			// the decoder's message quotes the offending character: not even that part of
			// the value is shown
			throw new InvalidSecretPropertyException(key + ".base64", "is not valid base64 (RFC 4648, not URL-safe)");
		}
	}

	public Optional<NetworkDriver> network() {
		return this.network;
	}

	public Optional<StorageDriver> storage() {
		return this.storage;
	}

	/**
	 * The secret driver: values from properties first, then the configured driver, if
	 * any.
	 */
	public Optional<SecretDriver> secret() {
		return this.secret;
	}

	/** What the {@link io.github.qemuembed.driver.DriverConfig} gets. */
	public SecondaryDrivers toSecondaryDrivers() {
		return new SecondaryDrivers(this.network, this.storage, this.secret);
	}

	/**
	 * The configured drivers by kind ({@code network}, {@code storage}, {@code secret}),
	 * in that order.
	 */
	public Map<String, SecondaryDriver> configured() {
		Map<String, SecondaryDriver> drivers = new LinkedHashMap<>();
		this.network.ifPresent((driver) -> drivers.put(Kind.NETWORK.scheme(), driver));
		this.storage.ifPresent((driver) -> drivers.put(Kind.STORAGE.scheme(), driver));
		this.secret.ifPresent((driver) -> drivers.put(Kind.SECRET.scheme(), driver));
		return drivers;
	}

	@Override
	public void destroy() {
		configured().values().forEach(SecondaryDriver::close);
	}

	@Override
	public String toString() {
		return "QemuEmbedSecondaryDrivers" + configured().entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + entry.getValue().endpoint())
			.toList();
	}

}
