package io.github.qemuembed.driver.internal.remote;

import java.util.Objects;

import io.github.qemuembed.driver.secondary.SecondaryDriver;
import io.github.qemuembed.driver.internal.rpc.LibvirtClient;

/**
 * What the remote drivers share: a {@link LibvirtClient} for one URI, pinged with a cheap
 * call.
 */
abstract class AbstractRemoteDriver implements SecondaryDriver {

	protected final LibvirtClient client;

	AbstractRemoteDriver(LibvirtClient client) {
		this.client = Objects.requireNonNull(client, "client");
	}

	@Override
	public String endpoint() {
		return this.client.rpc().uri().toString();
	}

	/** Connects if needed and asks the daemon for its version. */
	@Override
	public void ping() {
		this.client.libVersion();
	}

	/** The client underneath, e.g. for tests that set up objects in the daemon. */
	public LibvirtClient client() {
		return this.client;
	}

	@Override
	public void close() {
		this.client.close();
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[" + endpoint() + "]";
	}

}
