package io.github.qemuembed.driver.internal.xml;

/**
 * The {@code model} of {@code <panic>}: the x86 ones. libvirt's other models
 * ({@code hyperv}, {@code s390}, {@code pseries}) belong to other hypervisor features or
 * architectures and are refused.
 */
public enum PanicModel implements XmlEnum {

	/**
	 * QEMU's {@code pvpanic} ISA device on an I/O port (0x505 by default); libvirt's
	 * default on x86.
	 */
	ISA("isa"),

	/** QEMU's {@code pvpanic-pci} device, a conventional PCI device. */
	PVPANIC("pvpanic");

	private final String xmlName;

	PanicModel(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
