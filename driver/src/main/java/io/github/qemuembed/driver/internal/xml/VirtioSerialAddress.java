package io.github.qemuembed.driver.internal.xml;

/**
 * {@code <address type='virtio-serial' controller bus port/>} of a channel or virtio
 * console.
 */
public record VirtioSerialAddress(int controller, int bus, int port) implements DeviceAddress {

	@Override
	public String type() {
		return "virtio-serial";
	}

}
