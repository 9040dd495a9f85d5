package io.github.qemuembed.driver.xml;

import java.util.Optional;

/**
 * {@code <channel type='unix'>} with a virtio target (e.g. {@code org.qemu.guest_agent.0}). Without a
 * source path the socket lives in the per-run private directory.
 */
public record Channel(Optional<String> path, String targetName, Optional<VirtioSerialAddress> address) {

	public Channel withAddress(VirtioSerialAddress address) {
		return new Channel(this.path, this.targetName, Optional.of(address));
	}

}
