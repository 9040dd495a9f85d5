package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/** {@code <watchdog model action/>}: {@code i6300esb} (PCI) or {@code ib700} (ISA). */
public record Watchdog(String model, WatchdogAction action, Optional<PciAddress> address) {

	public Watchdog withAddress(PciAddress address) {
		return new Watchdog(this.model, this.action, Optional.of(address));
	}

}
