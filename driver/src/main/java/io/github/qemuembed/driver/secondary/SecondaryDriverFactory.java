package io.github.qemuembed.driver.secondary;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.internal.remote.RemoteNetworkDriver;
import io.github.qemuembed.driver.internal.remote.RemoteSecretDriver;
import io.github.qemuembed.driver.internal.remote.RemoteStorageDriver;
import io.github.qemuembed.driver.internal.rpc.InvalidEndpointException;
import io.github.qemuembed.driver.internal.rpc.LibvirtClient;
import io.github.qemuembed.driver.internal.rpc.LibvirtUri;
import io.github.qemuembed.driver.internal.rpc.RpcClient;
import io.github.qemuembed.driver.internal.rpc.RpcClientOptions;
import io.github.qemuembed.driver.secondary.embedded.EmbeddedSecretDriver;
import io.github.qemuembed.driver.secondary.storage.EmbeddedStorageDriver;

/**
 * Creates secondary drivers from the endpoint strings users configure: a libvirt URI
 * ({@code network:///system}, {@code storage:///system?socket=PATH},
 * {@code secret+tcp://HOST:PORT/system}), or, for secrets and storage, {@code embedded}
 * (under the driver's root), {@code secret:///embed?root=DIR} or
 * {@code storage:///embed?root=DIR}.
 *
 * <p>
 * Remote drivers connect lazily: creating one never fails because a daemon is down; its
 * first call (or {@link SecondaryDriver#ping()}) does.
 */
public final class SecondaryDriverFactory {

	/** The endpoint string for the embedded secret and storage drivers. */
	public static final String EMBEDDED = "embedded";

	/** Which secondary driver, with the configuration key users set for it. */
	public enum Kind {

		NETWORK, STORAGE, SECRET;

		/**
		 * {@code network}, {@code storage} or {@code secret}: also the libvirt URI
		 * scheme.
		 */
		public String scheme() {
			return name().toLowerCase(Locale.ROOT);
		}

		/** {@code network driver}... */
		public String role() {
			return scheme() + " driver";
		}

	}

	private SecondaryDriverFactory() {
	}

	/** A remote driver for a libvirt URI, with default timeouts. */
	public static SecondaryDriver fromUri(String uri, Kind kind) {
		return fromUri(uri, kind, RemoteOptions.defaults());
	}

	/** A remote driver for a libvirt URI. */
	public static SecondaryDriver fromUri(String uri, Kind kind, RemoteOptions options) {
		Objects.requireNonNull(kind, "kind");
		if (uri != null && (uri.strip().equals(EMBEDDED) || uri.strip().startsWith("secret:///embed")
				|| uri.strip().startsWith("storage:///embed"))) {
			throw new InvalidEndpointException("'" + uri + "' for the " + kind.role()
					+ ": only the secret and storage drivers can be embedded; create them with "
					+ "SecondaryDriverFactory.secretDriver(uri, root, policy, callers) or storageDriver(uri, root, policy, callers)");
		}
		LibvirtUri parsed = parse(uri, kind);
		LibvirtClient client = new LibvirtClient(new RpcClient(parsed, new RpcClientOptions(options.connectTimeout(),
				options.callTimeout(), kind.role(), options.observer())));
		return switch (kind) {
			case NETWORK -> new RemoteNetworkDriver(client);
			case STORAGE -> new RemoteStorageDriver(client);
			case SECRET -> new RemoteSecretDriver(client);
		};
	}

	public static NetworkDriver networkDriver(String uri) {
		return (NetworkDriver) fromUri(uri, Kind.NETWORK);
	}

	public static StorageDriver storageDriver(String uri) {
		return (StorageDriver) fromUri(uri, Kind.STORAGE);
	}

	/**
	 * A storage driver: {@code embedded} keeps pools under {@code ROOT/etc/storage} and
	 * their volumes by default under {@code ROOT/storage};
	 * {@code storage:///embed?root=DIR} does the same under {@code DIR}; anything else is
	 * a libvirt URI of a daemon. Public operations of the embedded driver are checked by
	 * the policy with {@code storage_pool.*} and {@code storage_vol.*} permissions.
	 */
	public static StorageDriver storageDriver(String uri, Path root, AccessPolicy policy, CallerSupplier callers) {
		String endpoint = (uri != null) ? uri.strip() : null;
		if (EMBEDDED.equals(endpoint)) {
			return EmbeddedStorageDriver.open(root, policy, callers);
		}
		if (endpoint != null && endpoint.startsWith("storage:///embed")) {
			return EmbeddedStorageDriver.open(embedRoot(endpoint, Kind.STORAGE), policy, callers, Optional.empty(),
					endpoint);
		}
		return (StorageDriver) fromUri(endpoint, Kind.STORAGE);
	}

	/**
	 * A secret driver: {@code embedded} keeps secrets under {@code ROOT/etc/secrets};
	 * {@code secret:///embed?root=DIR} under {@code DIR/etc/secrets} (libvirt's own
	 * embedded layout); anything else is a libvirt URI of a daemon. Public operations of
	 * the embedded driver are checked by the policy with {@code secret.*} permissions for
	 * the caller the supplier names.
	 */
	public static SecretDriver secretDriver(String uri, Path root, AccessPolicy policy, CallerSupplier callers) {
		String endpoint = (uri != null) ? uri.strip() : null;
		if (EMBEDDED.equals(endpoint)) {
			return new EmbeddedSecretDriver(root, policy, callers);
		}
		if (endpoint != null && endpoint.startsWith("secret:///embed")) {
			return new EmbeddedSecretDriver(embedRoot(endpoint, Kind.SECRET), policy, callers, endpoint);
		}
		return (SecretDriver) fromUri(endpoint, Kind.SECRET);
	}

	private static Path embedRoot(String uri, Kind kind) {
		int query = uri.indexOf('?');
		if (query >= 0) {
			for (String pair : uri.substring(query + 1).split("&")) {
				if (pair.startsWith("root=") && pair.length() > 5) {
					return Path.of(URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8));
				}
			}
		}
		throw new InvalidEndpointException("'" + uri + "' for the " + kind.role() + ": an embedded " + kind.role()
				+ " URI needs ?root=DIR (or use 'embedded' for the driver's own root)");
	}

	private static LibvirtUri parse(String uri, Kind kind) {
		LibvirtUri parsed;
		try {
			parsed = LibvirtUri.parse(uri);
		}
		catch (InvalidEndpointException ex) {
			throw new InvalidEndpointException(ex.getMessage() + " (given for the " + kind.role() + ")");
		}
		// a daemon routes network/storage/secret calls made on a hypervisor connection
		// too
		if (!parsed.driver().equals(kind.scheme()) && !parsed.driver().equals("qemu")) {
			throw new InvalidEndpointException("'" + uri + "' for the " + kind.role() + " opens libvirt's '"
					+ parsed.driver() + "' driver, which has no " + kind.scheme() + " API; use " + kind.scheme()
					+ ":///system or " + kind.scheme() + "+tcp://HOST:PORT/system");
		}
		return parsed;
	}

}
