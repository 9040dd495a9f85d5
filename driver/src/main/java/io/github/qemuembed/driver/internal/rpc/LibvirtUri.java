package io.github.qemuembed.driver.internal.rpc;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A libvirt connection URI such as {@code network:///system},
 * {@code storage:///system?socket=/path} or {@code secret+tcp://host:16509/system},
 * parsed the way libvirt's remote driver reads it:
 * {@code DRIVER[+TRANSPORT]://[HOST[:PORT]]/PATH[?PARAMS]}.
 *
 * <p>
 * Supported transports are {@code unix} (the default without a host) and {@code tcp} (no
 * authentication, default port 16509). The parameters {@code socket}, {@code mode} and
 * {@code name} are consumed here, as libvirt's client does; the others are passed on to
 * the daemon in the URI it is asked to open.
 */
public final class LibvirtUri {

	/** libvirtd's TCP port ({@code LIBVIRTD_TCP_PORT}). */
	public static final int DEFAULT_TCP_PORT = 16509;

	/**
	 * The monolithic daemon's socket for {@code /system} URIs, the only one on Debian 12.
	 */
	public static final Path SYSTEM_SOCKET = Path.of("/run/libvirt/libvirt-sock");

	/** How the client reaches the daemon. */
	public enum Transport {

		UNIX, TCP

	}

	private final String text;

	private final String driver;

	private final Transport transport;

	private final String host;

	private final int port;

	private final String path;

	private final Map<String, String> params;

	private LibvirtUri(String text, String driver, Transport transport, String host, int port, String path,
			Map<String, String> params) {
		this.text = text;
		this.driver = driver;
		this.transport = transport;
		this.host = host;
		this.port = port;
		this.path = path;
		this.params = params;
	}

	/**
	 * Parses an endpoint string; {@link InvalidEndpointException} says what is wrong with
	 * it.
	 */
	public static LibvirtUri parse(String text) {
		if (text == null || text.isBlank()) {
			throw new InvalidEndpointException("No libvirt URI given (expected e.g. network:///system)");
		}
		URI uri;
		try {
			uri = new URI(text.strip());
		}
		catch (URISyntaxException ex) {
			throw new InvalidEndpointException("'" + text + "' is not a valid libvirt URI: " + ex.getReason());
		}
		if (uri.getScheme() == null || uri.isOpaque()) {
			throw new InvalidEndpointException("'" + text
					+ "' is not a libvirt URI; expected DRIVER:///system, DRIVER:///system?socket=PATH or DRIVER+tcp://HOST[:PORT]/system");
		}
		String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
		int plus = scheme.indexOf('+');
		String driver = (plus < 0) ? scheme : scheme.substring(0, plus);
		String transportName = (plus < 0) ? null : scheme.substring(plus + 1);
		String host = uri.getHost();
		if (host == null && uri.getRawAuthority() != null) {
			throw new InvalidEndpointException(
					"'" + text + "': cannot read the host in '" + uri.getRawAuthority() + "'");
		}
		if (uri.getUserInfo() != null) {
			throw new InvalidEndpointException(
					"'" + text + "': user names are for SSH transports, which are not supported");
		}
		Transport transport = transport(text, transportName, host);
		if (transport == Transport.TCP && host == null) {
			throw new InvalidEndpointException(
					"'" + text + "': the tcp transport needs a host, e.g. " + driver + "+tcp://localhost:16509/system");
		}
		if (transport == Transport.UNIX && host != null) {
			throw new InvalidEndpointException(
					"'" + text + "': a UNIX socket URI has no host; use " + driver + ":///system?socket=PATH");
		}
		String path = (uri.getPath() == null || uri.getPath().isEmpty()) ? "/" : uri.getPath();
		if (transport == Transport.UNIX && !path.equals("/system") && !path.equals("/session")) {
			throw new InvalidEndpointException("'" + text + "': the path must be /system or /session for a daemon "
					+ "reached over its UNIX socket (embedded drivers are not reached over RPC)");
		}
		int port = (uri.getPort() >= 0) ? uri.getPort() : DEFAULT_TCP_PORT;
		return new LibvirtUri(text.strip(), driver, transport, host, port, path, params(text, uri.getRawQuery()));
	}

	private static Transport transport(String text, String name, String host) {
		if (name == null) {
			if (host == null) {
				return Transport.UNIX;
			}
			throw new InvalidEndpointException("'" + text + "' would use TLS, which is not supported; use the tcp "
					+ "transport (DRIVER+tcp://HOST:PORT/system) with a daemon that listens with auth_tcp=\"none\"");
		}
		return switch (name) {
			case "unix" -> Transport.UNIX;
			case "tcp" -> Transport.TCP;
			default -> throw new InvalidEndpointException(
					"'" + text + "': transport '" + name + "' is not supported; use unix (the default) or tcp");
		};
	}

	private static Map<String, String> params(String text, String rawQuery) {
		Map<String, String> params = new LinkedHashMap<>();
		if (rawQuery == null || rawQuery.isEmpty()) {
			return Collections.unmodifiableMap(params);
		}
		for (String pair : rawQuery.split("&")) {
			if (pair.isEmpty()) {
				continue;
			}
			int eq = pair.indexOf('=');
			String key = decode((eq < 0) ? pair : pair.substring(0, eq));
			String value = (eq < 0) ? "" : decode(pair.substring(eq + 1));
			if (params.putIfAbsent(key, value) != null) {
				throw new InvalidEndpointException("'" + text + "': parameter '" + key + "' is given twice");
			}
		}
		return Collections.unmodifiableMap(params);
	}

	private static String decode(String raw) {
		// '+' stays a plus: libvirt URIs are not form-encoded
		return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
	}

	/**
	 * The driver part of the scheme: {@code network}, {@code storage}, {@code secret}...
	 */
	public String driver() {
		return this.driver;
	}

	public Transport transport() {
		return this.transport;
	}

	/** The host for TCP; empty for UNIX sockets. */
	public Optional<String> host() {
		return Optional.ofNullable(this.host);
	}

	/** The TCP port, {@link #DEFAULT_TCP_PORT} when the URI has none. */
	public int port() {
		return this.port;
	}

	/** {@code /system} or {@code /session} (other paths are possible over TCP). */
	public String path() {
		return this.path;
	}

	public Map<String, String> params() {
		return this.params;
	}

	/**
	 * The URI the daemon is asked to open in {@code CONNECT_OPEN}: the transport, host
	 * and the client-side parameters removed (as libvirt's remote driver does), or the
	 * {@code name} parameter.
	 */
	public String daemonUri() {
		String name = this.params.get("name");
		if (name != null && !name.isEmpty()) {
			return name;
		}
		String query = this.params.entrySet()
			.stream()
			.filter((e) -> !isClientParameter(e.getKey()))
			.map((e) -> e.getKey() + "=" + e.getValue())
			.collect(Collectors.joining("&"));
		return this.driver + "://" + this.path + (query.isEmpty() ? "" : "?" + query);
	}

	private static boolean isClientParameter(String key) {
		return switch (key) {
			case "socket", "mode", "name", "no_verify", "no_tty", "pkipath", "tls_priority", "keyfile", "command",
					"netcat", "known_hosts", "sshauth", "proxy", "auth" ->
				true;
			default -> false;
		};
	}

	/**
	 * The daemon's UNIX socket, as libvirt resolves it; see
	 * {@link #socketPath(Predicate)}.
	 */
	public Path socketPath() {
		return socketPath(Files::exists);
	}

	/**
	 * The daemon's UNIX socket: the {@code socket} parameter if given, else, like
	 * libvirt's {@code mode=auto}, the driver's own daemon socket
	 * ({@code virtnetworkd-sock}...) when it exists, else the monolithic libvirtd's
	 * ({@code libvirt-sock}). {@code mode=legacy} and {@code mode=direct} choose one of
	 * the two.
	 * @param exists tells whether a path exists (a parameter so that tests need no real
	 * sockets)
	 */
	public Path socketPath(Predicate<Path> exists) {
		if (this.transport != Transport.UNIX) {
			throw new IllegalStateException(this.text + " does not use a UNIX socket");
		}
		String socket = this.params.get("socket");
		if (socket != null && !socket.isEmpty()) {
			return Path.of(socket);
		}
		Path dir = this.path.equals("/session") ? sessionDirectory() : Path.of("/run/libvirt");
		Path legacy = dir.resolve("libvirt-sock");
		Path direct = dir.resolve("virt" + this.driver + "d-sock");
		String mode = this.params.getOrDefault("mode", "auto");
		return switch (mode) {
			case "legacy" -> legacy;
			case "direct" -> direct;
			case "auto" -> exists.test(direct) ? direct : legacy;
			default -> throw new InvalidEndpointException(
					"'" + this.text + "': mode must be auto, legacy or direct, not '" + mode + "'");
		};
	}

	private static Path sessionDirectory() {
		String runtime = System.getenv("XDG_RUNTIME_DIR");
		if (runtime != null && !runtime.isEmpty()) {
			return Path.of(runtime, "libvirt");
		}
		return Path.of(System.getProperty("user.home"), ".cache", "libvirt");
	}

	/** The URI as given. */
	@Override
	public String toString() {
		return this.text;
	}

	@Override
	public boolean equals(Object obj) {
		return (obj instanceof LibvirtUri other) && this.text.equals(other.text);
	}

	@Override
	public int hashCode() {
		return this.text.hashCode();
	}

}
