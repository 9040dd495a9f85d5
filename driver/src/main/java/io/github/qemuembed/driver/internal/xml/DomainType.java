package io.github.qemuembed.driver.internal.xml;

/** The {@code type} of {@code <domain>}: which accelerator the definition asks for. */
public enum DomainType implements XmlEnum {

	KVM("kvm"), QEMU("qemu");

	private final String xmlName;

	DomainType(String xmlName) {
		this.xmlName = xmlName;
	}

	@Override
	public String xmlName() {
		return this.xmlName;
	}

}
