package io.github.qemuembed.driver.internal.xml;

/**
 * {@code <address type='pci' domain bus slot function multifunction/>}. The bus number is
 * the {@code index} of a PCI controller (0 is the root bus).
 */
public record PciAddress(int domain, int bus, int slot, int function, boolean multifunction) implements DeviceAddress {

	public static PciAddress of(int bus, int slot) {
		return new PciAddress(0, bus, slot, 0, false);
	}

	@Override
	public String type() {
		return "pci";
	}

	@Override
	public String toString() {
		return String.format("%04x:%02x:%02x.%x", this.domain, this.bus, this.slot, this.function);
	}

}
