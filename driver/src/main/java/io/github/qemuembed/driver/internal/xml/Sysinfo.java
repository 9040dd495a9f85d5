package io.github.qemuembed.driver.internal.xml;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code <sysinfo type='smbios'>}: the SMBIOS strings the guest sees when
 * {@code <os><smbios mode='sysinfo'/>} asks for them. Each map holds a block's
 * {@code <entry name>} values.
 *
 * @param bios type 0: vendor, version, date, release
 * @param system type 1: manufacturer, product, version, serial, uuid, sku, family
 * @param baseBoard type 2: manufacturer, product, version, serial, asset, location
 * @param chassis type 3: manufacturer, version, serial, asset, sku
 * @param oemStrings type 11: {@code <oemStrings><entry>} in order
 */
public record Sysinfo(Map<String, String> bios, Map<String, String> system, Map<String, String> baseBoard,
		Map<String, String> chassis, List<String> oemStrings) {

	public Sysinfo {
		bios = sorted(bios);
		system = sorted(system);
		baseBoard = sorted(baseBoard);
		chassis = sorted(chassis);
		oemStrings = List.copyOf(oemStrings);
	}

	private static Map<String, String> sorted(Map<String, String> entries) {
		return Collections.unmodifiableMap(new TreeMap<>(entries));
	}

}
