package io.github.qemuembed.driver.secondary;

import java.util.Optional;

/**
 * Resolves {@code <interface type='network'>} sources: which bridge a network's NICs
 * join.
 */
public interface NetworkDriver extends SecondaryDriver {

	/** The host bridge that NICs on the named network attach to. */
	String bridgeOf(String network);

	/**
	 * What the driver knows about a network: its bridge, forward mode and whether it
	 * runs. The default knows only the bridge.
	 */
	default NetworkDescription describe(String network) {
		return new NetworkDescription(network, Optional.empty(), Optional.of(bridgeOf(network)), Optional.empty(),
				true);
	}

	/**
	 * Reserves a port for one NIC on the network (libvirt's
	 * {@code virNetworkPortCreateXML}) and says which bridge its tap joins. Release it
	 * with {@link #deletePort(NetworkPort)} when the domain stops. The default reserves
	 * nothing and just resolves the bridge.
	 */
	default NetworkPort createPort(String network, NetworkPortRequest request) {
		return new NetworkPort(network, Optional.empty(), bridgeOf(network), request.mac());
	}

	/**
	 * Releases a port from {@link #createPort}; ports that were not reserved need
	 * nothing.
	 */
	default void deletePort(NetworkPort port) {
	}

}
