package io.github.qemuembed.autoconfigure.access;

import java.util.List;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.AccessRequest;

/**
 * Told of every access decision, allowed or denied, on a call that comes from a web
 * request and asks for more than reading (anything but listing domains and reading their
 * state and XML), and of every refusal within a request that writes (a POST, PUT,
 * DELETE...): the calls an audit trail is for. Called on the thread that asked, before
 * the operation runs.
 */
@FunctionalInterface
public interface HttpAccessListener {

	void decided(AccessRequest request, boolean allowed, HttpOrigin origin);

	/** A policy that decides as {@code policy} does and tells the listeners. */
	static AccessPolicy observing(AccessPolicy policy, List<HttpAccessListener> listeners) {
		return listeners.isEmpty() ? policy : new ObservedAccessPolicy(policy, List.copyOf(listeners));
	}

}
