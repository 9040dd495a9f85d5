package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/** Reads {@code <sysinfo type='smbios'>} (libvirt's {@code virSysinfoParseXML}). */
final class SysinfoReader {

	private static final Pattern BIOS_DATE = Pattern
		.compile("(0[1-9]|1[0-2])/(0[1-9]|[12][0-9]|3[01])/([0-9]{2}|[0-9]{4})");

	private static final Pattern BIOS_RELEASE = Pattern.compile("[0-9]{1,3}\\.[0-9]{1,3}");

	private static final Pattern UUID_TEXT = Pattern
		.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

	static final Set<String> BIOS = Set.of("vendor", "version", "date", "release");

	static final Set<String> SYSTEM = Set.of("manufacturer", "product", "version", "serial", "uuid", "sku", "family");

	static final Set<String> BASE_BOARD = Set.of("manufacturer", "product", "version", "serial", "asset", "location");

	static final Set<String> CHASSIS = Set.of("manufacturer", "version", "serial", "asset", "sku");

	private SysinfoReader() {
	}

	static Sysinfo read(XNode node, UUID domainUuid, boolean uuidGiven) {
		String type = node.oneOf("type", null, "smbios", "fwcfg");
		if (type == null) {
			throw new InvalidConfigurationException(node.attrPath("type"), "give <sysinfo type='smbios'>");
		}
		if (type.equals("fwcfg")) {
			throw new UnsupportedConfigurationException(node.attrPath("type"),
					"<sysinfo type='fwcfg'> (firmware "
							+ "configuration files) is not supported; give the strings as <sysinfo type='smbios'>, or "
							+ "<qemu:arg value='-fw_cfg'/> with its value");
		}
		Map<String, String> bios = block(node, "bios", BIOS);
		if (bios.containsKey("date") && !BIOS_DATE.matcher(bios.get("date")).matches()) {
			throw new InvalidConfigurationException(node.path() + "/bios/entry",
					"the BIOS date '" + Numbers.abbreviate(bios.get("date")) + "' is not mm/dd/yy or mm/dd/yyyy");
		}
		if (bios.containsKey("release") && !BIOS_RELEASE.matcher(bios.get("release")).matches()) {
			throw new InvalidConfigurationException(node.path() + "/bios/entry",
					"the BIOS release '" + Numbers.abbreviate(bios.get("release")) + "' is not major.minor (like 1.2)");
		}
		Map<String, String> system = block(node, "system", SYSTEM);
		if (system.containsKey("uuid")) {
			String text = system.get("uuid");
			if (!UUID_TEXT.matcher(text).matches()) {
				throw new InvalidConfigurationException(node.path() + "/system/entry",
						"'" + Numbers.abbreviate(text) + "' is not a UUID");
			}
			String hex = text.replace("-", "");
			UUID uuid = UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16)
					+ "-" + hex.substring(16, 20) + "-" + hex.substring(20));
			if (uuidGiven && !uuid.equals(domainUuid)) {
				// libvirt: the SMBIOS system UUID is the domain's
				throw new InvalidConfigurationException(node.path() + "/system/entry",
						"the system uuid differs from the domain's <uuid>; give the same UUID or leave one out");
			}
			system.put("uuid", uuid.toString());
		}
		if (node.children("baseBoard").size() > 1) {
			throw new UnsupportedConfigurationException(node.path() + "/baseBoard[2]",
					"QEMU's SMBIOS tables take one <baseBoard>; keep one");
		}
		Map<String, String> baseBoard = block(node, "baseBoard", BASE_BOARD);
		Map<String, String> chassis = block(node, "chassis", CHASSIS);
		List<String> oemStrings = new ArrayList<>();
		node.child("oemStrings").ifPresent((child) -> {
			for (XNode entry : child.children("entry")) {
				oemStrings.add(entry.text());
				entry.finish();
			}
			child.finish();
		});
		node.refuse("processor", "SMBIOS processor strings are not passed to QEMU (libvirt uses them for the host "
				+ "only); remove <processor>");
		node.refuse("memory", "SMBIOS memory strings are not passed to QEMU (libvirt uses them for the host only); "
				+ "remove <memory>");
		node.finish();
		return new Sysinfo(bios, system, baseBoard, chassis, oemStrings);
	}

	private static Map<String, String> block(XNode parent, String name, Set<String> names) {
		Map<String, String> entries = new LinkedHashMap<>();
		parent.child(name).ifPresent((node) -> {
			for (XNode entry : node.children("entry")) {
				String key = entry.requiredAttr("name");
				if (!names.contains(key)) {
					throw new UnsupportedConfigurationException(entry.attrPath("name"),
							"entry '" + Numbers.abbreviate(key) + "' of <" + name + "> is not supported; supported: "
									+ String.join(", ", new TreeSet<>(names)));
				}
				if (entries.put(key, entry.text()) != null) {
					throw new InvalidConfigurationException(entry.attrPath("name"),
							"entry '" + key + "' is given twice");
				}
				entry.finish();
			}
			node.finish();
		});
		return entries;
	}

}
