package io.github.qemuembed.driver.xml;

import java.util.Optional;

/**
 * {@code <controller type index model>}. For {@code pcie-root-port} the optional {@code <target chassis port/>}
 * is kept; other controllers have none.
 */
public record Controller(ControllerType type, int index, Optional<String> model, Optional<Integer> chassis,
		Optional<Integer> port, Optional<PciAddress> address) {

	public static Controller of(ControllerType type, int index, String model) {
		return new Controller(type, index, Optional.ofNullable(model), Optional.empty(), Optional.empty(),
				Optional.empty());
	}

	public Controller withAddress(PciAddress address) {
		return new Controller(this.type, this.index, this.model, this.chassis, this.port, Optional.of(address));
	}

	public boolean is(ControllerType type, String model) {
		return this.type == type && this.model.map(model::equals).orElse(false);
	}

}
