package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <panic model>}: a device through which the guest kernel reports a panic, so that
 * QEMU sends {@code GUEST_PANICKED} and {@code <on_crash>} can act. The address is an
 * {@link IsaAddress} for {@link PanicModel#ISA} and a {@link PciAddress} for
 * {@link PanicModel#PVPANIC}.
 */
public record Panic(PanicModel model, Optional<DeviceAddress> address) {

	/**
	 * QEMU's (and libvirt's) I/O port of the isa panic device when the XML gives none.
	 */
	public static final int DEFAULT_IOBASE = 0x505;

	/** The I/O port of an isa panic device. */
	public int iobase() {
		return this.address.filter(IsaAddress.class::isInstance)
			.map((address) -> ((IsaAddress) address).iobase())
			.orElse(DEFAULT_IOBASE);
	}

	/** The PCI address of a pvpanic device, once given or assigned. */
	public Optional<PciAddress> pciAddress() {
		return this.address.filter(PciAddress.class::isInstance).map(PciAddress.class::cast);
	}

	public Panic withAddress(DeviceAddress address) {
		return new Panic(this.model, Optional.of(address));
	}

}
