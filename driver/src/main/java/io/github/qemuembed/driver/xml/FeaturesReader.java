package io.github.qemuembed.driver.xml;

import java.util.Optional;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/** Reads {@code <features>}. */
final class FeaturesReader {

	private FeaturesReader() {
	}

	static Features read(XNode node) {
		boolean acpi = XmlValues.flag(node, "acpi");
		boolean apic = XmlValues.flag(node, "apic");
		boolean pae = XmlValues.flag(node, "pae");
		Optional<Boolean> vmport = node.child("vmport").map((child) -> {
			if (child.attr("state").isEmpty()) {
				throw new InvalidConfigurationException(child.attrPath("state"), "give <vmport state='on|off'/>");
			}
			boolean state = child.onOff("state", false);
			child.finish();
			return state;
		});
		node.finish();
		return new Features(acpi, apic, pae, vmport);
	}

}
