package io.github.qemuembed.driver.internal.xml;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/** Reads a disk's {@code <iotune>}, with libvirt's rules on which limits go together. */
final class IoTuneReader {

	private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]{0,31}");

	static final List<String> BASES = List.of("total_bytes_sec", "read_bytes_sec", "write_bytes_sec", "total_iops_sec",
			"read_iops_sec", "write_iops_sec");

	/** Most of a limit QEMU takes ({@code THROTTLE_VALUE_MAX}, 1e15). */
	static final long MAX_VALUE = 1_000_000_000_000_000L;

	private IoTuneReader() {
	}

	static IoTune read(XNode node) {
		Map<String, Long> limits = new LinkedHashMap<>();
		for (String base : BASES) {
			for (String name : List.of(base, base + "_max", base + "_max_length")) {
				node.child(name).ifPresent((child) -> {
					long value = Numbers.parse(child.path(), child.requiredText(), 0, MAX_VALUE);
					child.finish();
					// 0 is libvirt's "no limit"
					if (value > 0) {
						limits.put(name, value);
					}
				});
			}
		}
		node.child("size_iops_sec").ifPresent((child) -> {
			long value = Numbers.parse(child.path(), child.requiredText(), 0, MAX_VALUE);
			child.finish();
			if (value > 0) {
				limits.put("size_iops_sec", value);
			}
		});
		Optional<String> group = node.child("group_name").map((child) -> {
			String name = child.requiredText();
			if (!GROUP_NAME.matcher(name).matches()) {
				throw new InvalidConfigurationException(child.path(), "'" + Numbers.abbreviate(name)
						+ "' is not a group name: a letter, then up to 31 letters, digits, '_', '.', '-'");
			}
			child.finish();
			return name;
		});
		node.finish();
		for (String kind : List.of("bytes", "iops")) {
			if (limits.containsKey("total_" + kind + "_sec")
					&& (limits.containsKey("read_" + kind + "_sec") || limits.containsKey("write_" + kind + "_sec"))) {
				throw new InvalidConfigurationException(node.path() + "/total_" + kind + "_sec", "total_" + kind
						+ "_sec cannot be combined with read_" + kind + "_sec or write_" + kind + "_sec");
			}
			if (limits.containsKey("total_" + kind + "_sec_max") && (limits.containsKey("read_" + kind + "_sec_max")
					|| limits.containsKey("write_" + kind + "_sec_max"))) {
				throw new InvalidConfigurationException(node.path() + "/total_" + kind + "_sec_max", "total_" + kind
						+ "_sec_max cannot be combined with read_" + kind + "_sec_max or write_" + kind + "_sec_max");
			}
		}
		for (String base : BASES) {
			Long max = limits.get(base + "_max");
			if (max != null && limits.containsKey(base) && max < limits.get(base)) {
				throw new InvalidConfigurationException(node.path() + "/" + base + "_max",
						base + "_max (" + max + ") is below " + base + " (" + limits.get(base) + ")");
			}
			if (max != null && !limits.containsKey(base)) {
				// QEMU: a burst limit is above a rate; without the rate there is nothing
				// to burst from
				throw new InvalidConfigurationException(node.path() + "/" + base + "_max", base + "_max needs " + base);
			}
			if (limits.containsKey(base + "_max_length") && max == null) {
				throw new InvalidConfigurationException(node.path() + "/" + base + "_max_length",
						base + "_max_length needs " + base + "_max");
			}
		}
		if (limits.containsKey("size_iops_sec")
				&& BASES.stream().noneMatch((base) -> base.contains("iops") && limits.containsKey(base))) {
			throw new InvalidConfigurationException(node.path() + "/size_iops_sec",
					"size_iops_sec needs an iops limit");
		}
		if (group.isPresent() && limits.isEmpty()) {
			throw new InvalidConfigurationException(node.path() + "/group_name",
					"a group_name needs at least one limit");
		}
		return new IoTune(limits, group);
	}

}
