package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <input type bus/>}: PS/2 inputs are the machine's built-in ones, USB and virtio
 * ones are devices.
 */
public record Input(InputType type, InputBus bus, Optional<DeviceAddress> address) {

	public Input withAddress(DeviceAddress address) {
		return new Input(this.type, this.bus, Optional.of(address));
	}

}
