package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/** Reads {@code <features>}, with the Hyper-V enlightenments of {@code <hyperv>}. */
final class FeaturesReader {

	private static final Pattern VENDOR_ID = Pattern.compile("[A-Za-z0-9 _\\-]{1,12}");

	/**
	 * The enlightenments QEMU 7.2 has as {@code hv-NAME} CPU properties, by libvirt's
	 * name and in its order.
	 */
	static final List<String> HYPERV = List.of("relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer",
			"reset", "vendor_id", "frequencies", "reenlightenment", "tlbflush", "ipi", "evmcs", "avic");

	private FeaturesReader() {
	}

	static Features read(XNode node) {
		boolean acpi = XmlValues.flag(node, "acpi");
		Optional<XNode> apicNode = node.child("apic");
		boolean apic = apicNode.isPresent();
		Optional<Boolean> apicEoi = apicNode.flatMap((child) -> {
			Optional<Boolean> eoi = child.attr("eoi").isPresent() ? Optional.of(child.onOff("eoi", false))
					: Optional.empty();
			child.finish();
			return eoi;
		});
		boolean pae = XmlValues.flag(node, "pae");
		Optional<Boolean> vmport = node.child("vmport").map((child) -> {
			if (child.attr("state").isEmpty()) {
				throw new InvalidConfigurationException(child.attrPath("state"), "give <vmport state='on|off'/>");
			}
			boolean state = child.onOff("state", false);
			child.finish();
			return state;
		});
		List<HypervFeature> hyperv = node.child("hyperv").map(FeaturesReader::hyperv).orElse(List.of());
		node.finish();
		return new Features(acpi, apic, pae, vmport, hyperv, apicEoi);
	}

	private static List<HypervFeature> hyperv(XNode node) {
		node.oneOf("mode", "custom", "custom");
		List<HypervFeature> features = new ArrayList<>();
		for (String name : HYPERV) {
			node.child(name).ifPresent((child) -> {
				if (child.attr("state").isEmpty()) {
					throw new InvalidConfigurationException(child.attrPath("state"),
							"give <" + name + " state='on|off'/>");
				}
				boolean on = child.onOff("state", false);
				Optional<String> value = Optional.empty();
				Optional<Boolean> direct = Optional.empty();
				if (name.equals("spinlocks") && on) {
					// at least 4095 tries before a guest notifies the hypervisor, as
					// libvirt requires
					value = Optional.of(String.valueOf(child.longAttr("retries", 4095, 0xffffffffL)
						.orElseThrow(() -> new InvalidConfigurationException(child.attrPath("retries"),
								"give <spinlocks state='on' retries='8191'/> (4095 or more)"))));
				}
				if (name.equals("vendor_id") && on) {
					String vendor = child.requiredAttr("value");
					if (!VENDOR_ID.matcher(vendor).matches()) {
						throw new InvalidConfigurationException(child.attrPath("value"),
								"a Hyper-V vendor id is 1 to 12 letters, digits, spaces, '_' or '-'");
					}
					value = Optional.of(vendor);
				}
				if (name.equals("stimer")) {
					direct = child.child("direct").map((directNode) -> {
						if (directNode.attr("state").isEmpty()) {
							throw new InvalidConfigurationException(directNode.attrPath("state"),
									"give <direct state='on|off'/>");
						}
						boolean state = directNode.onOff("state", false);
						directNode.finish();
						return state;
					});
				}
				child.finish();
				features.add(new HypervFeature(name, on, value, direct));
			});
		}
		node.finish();
		return features;
	}

}
