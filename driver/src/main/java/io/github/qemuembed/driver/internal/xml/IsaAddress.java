package io.github.qemuembed.driver.internal.xml;

/**
 * {@code <address type='isa' iobase/>}: the I/O port base of an ISA device (such as the
 * isa panic device).
 */
record IsaAddress(int iobase) implements DeviceAddress {

	@Override
	public String type() {
		return "isa";
	}

	@Override
	public String toString() {
		return String.format("0x%x", this.iobase);
	}

}
