package io.github.qemuembed.driver.secondary;

import java.util.Optional;
import java.util.UUID;

/**
 * A NIC's place on a network: the bridge its tap joins and, when the network driver
 * reserved a port for it, that port's UUID (to release at stop).
 *
 * @param network the network's name
 * @param uuid the reserved port's UUID; empty when nothing was reserved
 * @param bridge the host bridge for the NIC's tap
 * @param mac the NIC's MAC address
 */
public record NetworkPort(String network, Optional<UUID> uuid, String bridge, String mac) {

	/**
	 * Whether a port was reserved in the network driver (and must be deleted at stop).
	 */
	public boolean reserved() {
		return this.uuid.isPresent();
	}

}
