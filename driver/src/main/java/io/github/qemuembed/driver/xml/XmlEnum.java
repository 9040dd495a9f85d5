package io.github.qemuembed.driver.xml;

/** An enum whose constants are spelled in domain XML as {@link #xmlName()}. */
public interface XmlEnum {

	/** The value as written in libvirt domain XML. */
	String xmlName();

}
