package io.github.qemuembed.driver.internal.xml;

/** An enum whose constants are spelled in domain XML as {@link #xmlName()}. */
interface XmlEnum {

	/** The value as written in libvirt domain XML. */
	String xmlName();

}
