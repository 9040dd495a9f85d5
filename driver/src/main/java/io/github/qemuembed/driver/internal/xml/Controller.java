package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <controller type index model>}. For {@code pcie-root-port} the optional
 * {@code <target chassis port/>} is kept; for USB, {@code ports} (xHCI root hub ports)
 * and, for a USB 1 companion of an {@code ich9-ehci1}, {@code <master startport/>}; for
 * virtio-scsi, {@code <driver>}.
 */
public record Controller(ControllerType type, int index, Optional<String> model, Optional<Integer> chassis,
		Optional<Integer> port, Optional<PciAddress> address, Optional<Integer> ports,
		Optional<Integer> masterStartport, Optional<ControllerDriver> driver) {

	public Controller(ControllerType type, int index, Optional<String> model, Optional<Integer> chassis,
			Optional<Integer> port, Optional<PciAddress> address, Optional<Integer> ports,
			Optional<Integer> masterStartport) {
		this(type, index, model, chassis, port, address, ports, masterStartport, Optional.empty());
	}

	public Controller(ControllerType type, int index, Optional<String> model, Optional<Integer> chassis,
			Optional<Integer> port, Optional<PciAddress> address) {
		this(type, index, model, chassis, port, address, Optional.empty(), Optional.empty());
	}

	public static Controller of(ControllerType type, int index, String model) {
		return new Controller(type, index, Optional.ofNullable(model), Optional.empty(), Optional.empty(),
				Optional.empty());
	}

	public Controller withAddress(PciAddress address) {
		return new Controller(this.type, this.index, this.model, this.chassis, this.port, Optional.of(address),
				this.ports, this.masterStartport, this.driver);
	}

	public boolean is(ControllerType type, String model) {
		return this.type == type && this.model.map(model::equals).orElse(false);
	}

	/**
	 * A UHCI companion of an EHCI controller: shares the EHCI's index and bus (libvirt's
	 * USB 2 set).
	 */
	public boolean isCompanion() {
		return this.masterStartport.isPresent();
	}

}
