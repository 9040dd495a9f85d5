package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/** {@code <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>}. */
public record Rng(String backendPath, Optional<PciAddress> address) {

	public Rng withAddress(PciAddress address) {
		return new Rng(this.backendPath, Optional.of(address));
	}

}
