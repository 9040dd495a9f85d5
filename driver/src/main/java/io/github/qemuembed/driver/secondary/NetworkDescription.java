package io.github.qemuembed.driver.secondary;

import java.util.Optional;
import java.util.UUID;

/**
 * A network as its driver describes it.
 *
 * @param name the network's name
 * @param uuid its UUID, when the driver has one
 * @param bridge the bridge NICs join ({@code <bridge name='…'/>}); empty for networks
 * without one (e.g. macvtap {@code <forward mode='bridge'><interface dev='…'/>})
 * @param forwardMode {@code <forward mode='…'/>}: {@code nat}, {@code route},
 * {@code open}, {@code bridge}...; empty for an isolated network
 * @param active whether the network is started
 */
public record NetworkDescription(String name, Optional<UUID> uuid, Optional<String> bridge,
		Optional<String> forwardMode, boolean active) {

}
