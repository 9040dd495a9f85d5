package io.github.qemuembed.driver.internal.xml;

/** The {@code bus} of a disk's {@code <target>}. */
public enum DiskBus implements XmlEnum {

	VIRTIO("virtio"), SATA("sata"), SCSI("scsi"), IDE("ide"), FDC("fdc"), USB("usb");

	private final String xmlName;

	DiskBus(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
