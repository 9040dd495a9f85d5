package io.github.qemuembed.driver.internal.xml;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * Reads and writes libvirt domain XML.
 *
 * <p>
 * Parsing is strict: every element, attribute and value the model does not understand is
 * refused with an {@link UnsupportedConfigurationException} naming its path
 * ({@code /domain/devices/sound[1]}) and what is supported there; malformed or
 * inconsistent input is refused with an {@link InvalidConfigurationException}. Documents
 * with a DOCTYPE (hence any entity), larger than 1 MiB, or nested deeper than 64 elements
 * are refused. The model is bound by hand over a hardened DOM rather than by Jackson's
 * XML data binding, because only a DOM walk gives exact per-element paths, keeps
 * {@code <metadata>} verbatim and tells namespaces ({@code qemu:commandline}) apart.
 *
 * <p>
 * Lifecycle actions supported: {@code on_poweroff} destroy, restart, preserve;
 * {@code on_reboot} restart, destroy; {@code on_crash} destroy, restart, preserve.
 */
public final class DomainXml {

	private DomainXml() {
	}

	/**
	 * Parses and validates a domain definition. A missing UUID or MAC address is
	 * generated, as libvirt does.
	 * @throws InvalidConfigurationException if the document is malformed or breaks a rule
	 * @throws UnsupportedConfigurationException if it asks for something not supported
	 */
	public static DomainDefinition parse(String xml) {
		return DomainXmlReader.read(xml);
	}

	/**
	 * Writes a definition as domain XML; {@code parse(write(def, true))} equals
	 * {@code def}.
	 * @param includeSecrets whether to include secret values (the VNC {@code passwd})
	 */
	public static String write(DomainDefinition def, boolean includeSecrets) {
		return DomainXmlWriter.write(def, includeSecrets);
	}

}
