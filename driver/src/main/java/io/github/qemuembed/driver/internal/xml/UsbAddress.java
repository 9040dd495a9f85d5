package io.github.qemuembed.driver.internal.xml;

/**
 * {@code <address type='usb' bus port/>} of a USB device ({@code port} may be dotted,
 * e.g. {@code 1.2}).
 */
public record UsbAddress(int bus, String port) implements DeviceAddress {

	@Override
	public String type() {
		return "usb";
	}

}
