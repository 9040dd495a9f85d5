package io.github.qemuembed.driver.xml;

import java.util.Optional;

/** {@code <video><model type vram heads primary/></video>}. */
public record Video(String model, Optional<Integer> vramKiB, Optional<Integer> heads, boolean primary,
		Optional<PciAddress> address) {

	public Video withAddress(PciAddress address) {
		return new Video(this.model, this.vramKiB, this.heads, this.primary, Optional.of(address));
	}

}
