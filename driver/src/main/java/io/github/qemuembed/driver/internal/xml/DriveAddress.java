package io.github.qemuembed.driver.internal.xml;

/**
 * {@code <address type='drive' controller bus target unit/>} of a SATA, SCSI or IDE disk.
 */
public record DriveAddress(int controller, int bus, int target, int unit) implements DeviceAddress {

	@Override
	public String type() {
		return "drive";
	}

}
