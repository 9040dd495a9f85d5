package io.github.qemuembed.driver.secondary;

import java.util.Objects;
import java.util.UUID;

/**
 * What a NIC asks of its network: the owning domain and the NIC's MAC address.
 *
 * @param ownerName the domain's name
 * @param ownerUuid the domain's UUID
 * @param mac the NIC's MAC address, {@code 52:54:00:…} style
 */
public record NetworkPortRequest(String ownerName, UUID ownerUuid, String mac) {

	public NetworkPortRequest {
		Objects.requireNonNull(ownerName, "ownerName");
		Objects.requireNonNull(ownerUuid, "ownerUuid");
		Objects.requireNonNull(mac, "mac");
	}

}
