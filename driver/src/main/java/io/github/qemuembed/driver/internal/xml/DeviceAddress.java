package io.github.qemuembed.driver.internal.xml;

/**
 * A device's {@code <address>}: where the device sits on its bus. Honoured when given,
 * assigned when absent.
 */
public sealed interface DeviceAddress permits PciAddress, DriveAddress, VirtioSerialAddress, UsbAddress, IsaAddress {

	/** The {@code type} attribute. */
	String type();

}
