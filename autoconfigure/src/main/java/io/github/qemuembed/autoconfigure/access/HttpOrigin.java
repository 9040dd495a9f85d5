package io.github.qemuembed.autoconfigure.access;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where the current call comes from when it comes from outside the application: a web
 * request, with the client's address and the name of the principal the web server (not
 * Spring Security) authenticated, if any. A thread with an origin is never making the
 * application's own call.
 */
public final class HttpOrigin {

	/** Methods that, by HTTP's definition, change nothing. */
	private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

	private final String remoteAddress;

	private final String method;

	private final Supplier<String> principalName;

	private HttpOrigin(String remoteAddress, String method, Supplier<String> principalName) {
		this.remoteAddress = Objects.requireNonNullElse(remoteAddress, "unknown");
		this.method = Objects.requireNonNullElse(method, "GET").toUpperCase(Locale.ROOT);
		this.principalName = principalName;
	}

	/**
	 * An origin whose principal is looked up when asked: a request's principal can change
	 * while it passes through filters.
	 */
	static HttpOrigin of(String remoteAddress, String method, Supplier<String> principalName) {
		return new HttpOrigin(remoteAddress, method, principalName);
	}

	/**
	 * Whether the request asks to change something (any method but GET, HEAD, OPTIONS,
	 * TRACE).
	 */
	public boolean writeRequest() {
		return !SAFE_METHODS.contains(this.method);
	}

	/**
	 * The client's address as the server sees it (after its forwarded-header handling).
	 */
	public String remoteAddress() {
		return this.remoteAddress;
	}

	/** The name of the principal the server authenticated, or {@code null}. */
	public String principalName() {
		return this.principalName.get();
	}

	/**
	 * This origin as it is now, safe to use on another thread after the request has
	 * ended.
	 */
	HttpOrigin fixed() {
		String name = principalName();
		return new HttpOrigin(this.remoteAddress, this.method, () -> name);
	}

	@Override
	public String toString() {
		return "HttpOrigin[" + this.method + " from " + this.remoteAddress + "]";
	}

}
