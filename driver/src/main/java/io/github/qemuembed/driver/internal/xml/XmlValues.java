package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/**
 * Value readers shared by the element readers: UUIDs, sizes with units, paths, names,
 * flags, boot order.
 */
final class XmlValues {

	private static final Pattern VALUE_NAME = Pattern.compile("[A-Za-z0-9_.+\\-]{1,128}");

	/** Largest memory accepted: 16 TiB, in KiB. */
	static final long MAX_MEMORY_KIB = 16L * 1024 * 1024 * 1024;

	private static final Pattern UUID_PATTERN = Pattern
		.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

	private XmlValues() {
	}

	static UUID uuid(XNode node) {
		String text = node.requiredText();
		if (!UUID_PATTERN.matcher(text).matches()) {
			throw new InvalidConfigurationException(node.path(),
					"'" + Numbers.abbreviate(text) + "' is not a UUID (32 hexadecimal digits, dashes optional)");
		}
		node.finish();
		String hex = text.replace("-", "");
		return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
				+ hex.substring(16, 20) + "-" + hex.substring(20));
	}

	/**
	 * A memory size in KiB, from a value and libvirt's {@code unit} (default KiB),
	 * rounded up to whole KiB.
	 */
	static long memory(XNode node) {
		String unit = node.attr("unit").orElse("KiB");
		long scale = unitScale(node.attrPath("unit"), unit);
		long value = Numbers.parse(node.path(), node.requiredText(), 0, Long.MAX_VALUE);
		node.finish();
		if (value > Long.MAX_VALUE / scale) {
			throw new InvalidConfigurationException(node.path(),
					value + " " + unit + " is larger than the supported maximum of 16 TiB");
		}
		long kib = (value * scale + 1023) / 1024;
		if (kib > MAX_MEMORY_KIB) {
			throw new InvalidConfigurationException(node.path(),
					value + " " + unit + " is larger than the supported maximum of 16 TiB");
		}
		return kib;
	}

	/**
	 * Bytes per unit, with libvirt's spellings: b/bytes, k/KiB (1024), KB (1000), M/MiB,
	 * MB, ... E/EiB, EB.
	 */
	static long unitScale(String path, String unit) {
		if (unit.equals("b") || unit.equals("bytes")) {
			return 1;
		}
		int power = unit.isEmpty() ? -1 : "kmgtpe".indexOf(Character.toLowerCase(unit.charAt(0)));
		String rest = unit.isEmpty() ? "" : unit.substring(1);
		long base;
		if (rest.isEmpty() || rest.equals("iB")) {
			base = 1024;
		}
		else if (rest.equals("B")) {
			base = 1000;
		}
		else {
			power = -1;
			base = 0;
		}
		if (power < 0) {
			throw new InvalidConfigurationException(path, "unknown unit '" + Numbers.abbreviate(unit)
					+ "'; use b, bytes, KB, k, KiB, MB, M, MiB, GB, G, GiB, TB, T, TiB, PB, P, PiB, EB, E or EiB");
		}
		long scale = 1;
		for (int i = 0; i <= power; i++) {
			scale *= base;
		}
		return scale;
	}

	static String pathText(XNode node) {
		String path = absolutePath(node, node.requiredText());
		node.finish();
		return path;
	}

	static String absolutePath(XNode node, String path) {
		if (!path.startsWith("/") || path.indexOf('\0') >= 0 || path.length() > 4096) {
			throw new InvalidConfigurationException(node.path(),
					"'" + Numbers.abbreviate(path) + "' is not an absolute path");
		}
		return path;
	}

	static boolean flag(XNode node, String name) {
		Optional<XNode> child = node.child(name);
		child.ifPresent(XNode::finish);
		return child.isPresent();
	}

	static String objectName(XNode node, String attr) {
		String value = node.requiredAttr(attr);
		if (!VALUE_NAME.matcher(value).matches() || value.startsWith(".")) {
			throw new InvalidConfigurationException(node.attrPath(attr),
					"'" + Numbers.abbreviate(value) + "' is not a valid " + attr + " name");
		}
		return value;
	}

	static UUID uuidAttr(XNode node, String attr) {
		String value = node.requiredAttr(attr);
		if (!UUID_PATTERN.matcher(value).matches()) {
			throw new InvalidConfigurationException(node.attrPath(attr),
					"'" + Numbers.abbreviate(value) + "' is not a UUID");
		}
		String hex = value.replace("-", "");
		return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
				+ hex.substring(16, 20) + "-" + hex.substring(20));
	}

	static Optional<Integer> bootOrder(XNode node) {
		return node.child("boot").map((child) -> {
			int order = child.intAttr("order", 1, 9999)
				.orElseThrow(() -> new InvalidConfigurationException(child.attrPath("order"),
						"attribute 'order' of <boot> is required"));
			child.finish();
			return order;
		});
	}

	static boolean enabled(XNode node) {
		if (node.attr("enabled").isEmpty()) {
			throw new InvalidConfigurationException(node.attrPath("enabled"),
					"give <" + node.name() + " enabled='yes|no'/>");
		}
		boolean enabled = node.yesNo("enabled", false);
		node.finish();
		return enabled;
	}

}
