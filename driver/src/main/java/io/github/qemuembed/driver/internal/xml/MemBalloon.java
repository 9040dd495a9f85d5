package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <memballoon model='virtio|none'/>}; {@code none} means no balloon device at all.
 */
public record MemBalloon(String model, Optional<PciAddress> address) {

	public boolean present() {
		return !"none".equals(this.model);
	}

	public MemBalloon withAddress(PciAddress address) {
		return new MemBalloon(this.model, Optional.of(address));
	}

}
