package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <video><model type vram heads primary ram vgamem/></video>}; {@code ram} and
 * {@code vgamem} are qxl's (libvirt writes them for every qxl model).
 */
public record Video(String model, Optional<Integer> vramKiB, Optional<Integer> heads, boolean primary,
		Optional<PciAddress> address, Optional<Integer> ramKiB, Optional<Integer> vgamemKiB) {

	public Video(String model, Optional<Integer> vramKiB, Optional<Integer> heads, boolean primary,
			Optional<PciAddress> address) {
		this(model, vramKiB, heads, primary, address, Optional.empty(), Optional.empty());
	}

	public Video withAddress(PciAddress address) {
		return new Video(this.model, this.vramKiB, this.heads, this.primary, Optional.of(address), this.ramKiB,
				this.vgamemKiB);
	}

}
