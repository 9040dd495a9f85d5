package io.github.qemuembed.driver.internal.xml;

/** The {@code type} of {@code <controller>}. */
public enum ControllerType implements XmlEnum {

	PCI("pci"), USB("usb"), SATA("sata"), IDE("ide"), SCSI("scsi"), VIRTIO_SERIAL("virtio-serial"), FDC("fdc");

	private final String xmlName;

	ControllerType(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
