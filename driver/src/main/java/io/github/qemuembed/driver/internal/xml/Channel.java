package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <channel type='unix'>} with a virtio target (e.g.
 * {@code org.qemu.guest_agent.0}). Without a source path the socket lives in the per-run
 * private directory. {@code <channel type='spicevmc'>} is the SPICE agent's channel
 * ({@code com.redhat.spice.0}), served by the SPICE server.
 */
public record Channel(Optional<String> path, String targetName, Optional<VirtioSerialAddress> address,
		boolean spicevmc) {

	public Channel(Optional<String> path, String targetName, Optional<VirtioSerialAddress> address) {
		this(path, targetName, address, false);
	}

	public Channel withAddress(VirtioSerialAddress address) {
		return new Channel(this.path, this.targetName, Optional.of(address), this.spicevmc);
	}

}
