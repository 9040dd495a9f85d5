package io.github.qemuembed.autoconfigure.access;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where the current call comes from when it comes from outside the application: a web request,
 * with the client's address and the name of the principal the web server (not Spring Security)
 * authenticated, if any. A thread with an origin is never making the application's own call.
 */
public final class HttpOrigin {

	private final String remoteAddress;

	private final Supplier<String> principalName;

	private HttpOrigin(String remoteAddress, Supplier<String> principalName) {
		this.remoteAddress = Objects.requireNonNullElse(remoteAddress, "unknown");
		this.principalName = principalName;
	}

	/**
	 * An origin whose principal is looked up when asked: a request's principal can change while it
	 * passes through filters.
	 */
	static HttpOrigin of(String remoteAddress, Supplier<String> principalName) {
		return new HttpOrigin(remoteAddress, principalName);
	}

	/** The client's address as the server sees it (after its forwarded-header handling). */
	public String remoteAddress() {
		return this.remoteAddress;
	}

	/** The name of the principal the server authenticated, or {@code null}. */
	public String principalName() {
		return this.principalName.get();
	}

	/** This origin as it is now, safe to use on another thread after the request has ended. */
	HttpOrigin fixed() {
		String name = principalName();
		return new HttpOrigin(this.remoteAddress, () -> name);
	}

	@Override
	public String toString() {
		return "HttpOrigin[" + this.remoteAddress + "]";
	}

}
