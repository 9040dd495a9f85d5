package io.github.qemuembed.autoconfigure.access;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.Permission;

/**
 * Decides as its delegate does and tells the {@link HttpAccessListener}s about web calls
 * that write.
 */
final class ObservedAccessPolicy implements AccessPolicy {

	/**
	 * Reads that leave no trace: asked many times per page, and they reveal no secret.
	 */
	private static final Set<Permission> PLAIN_READS;

	static {
		Set<Permission> reads = EnumSet.copyOf(PropertiesAccessPolicy.READ_ONLY);
		reads.add(Permission.CONNECT_SEARCH_SECRETS);
		reads.add(Permission.SECRET_GETATTR);
		PLAIN_READS = reads;
	}

	private final AccessPolicy delegate;

	private final List<HttpAccessListener> listeners;

	ObservedAccessPolicy(AccessPolicy delegate, List<HttpAccessListener> listeners) {
		this.delegate = delegate;
		this.listeners = listeners;
	}

	/**
	 * Tells the listeners about every decision on a permission that writes, and about a
	 * refused read within a request that writes: a POST refused because its caller may
	 * not even see the domain is a refused write all the same.
	 */
	@Override
	public boolean isAllowed(AccessRequest request) {
		boolean allowed = this.delegate.isAllowed(request);
		boolean writes = !PLAIN_READS.contains(request.permission());
		if (writes || !allowed) {
			Optional<HttpOrigin> origin = HttpOrigins.current();
			if (origin.isPresent() && (writes || origin.get().writeRequest())) {
				this.listeners.forEach((listener) -> listener.decided(request, allowed, origin.get()));
			}
		}
		return allowed;
	}

	@Override
	public String toString() {
		return this.delegate.toString();
	}

}
