package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/** Reads {@code <vcpu>} and {@code <cpu>}: counts, mode, model, topology, features. */
final class CpuReader {

	private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

	private static final Pattern FEATURE_NAME = Pattern.compile("[a-z0-9_.\\-]{1,32}");

	/**
	 * Most vCPUs accepted (x86 without an IOMMU and x2APIC interrupt remapping addresses
	 * 255).
	 */
	static final int MAX_VCPUS = 255;

	private CpuReader() {
	}

	static Vcpu vcpu(XNode node) {
		if (node.attr("placement").filter((value) -> value.equals("auto")).isPresent()) {
			// libvirt asks numad for a placement; there is no numad here
			throw new UnsupportedConfigurationException(node.attrPath("placement"),
					"placement='auto' (numad) is not supported; use placement='static' with cpuset='...'");
		}
		node.oneOf("placement", "static", "static");
		Optional<String> cpuset = node.attr("cpuset").map((value) -> CpuSets.normalize(node.attrPath("cpuset"), value));
		Optional<Integer> current = node.intAttr("current", 1, MAX_VCPUS);
		int count = (int) Numbers.parse(node.path(), node.requiredText(), 1, MAX_VCPUS);
		node.finish();
		if (current.isPresent() && current.get() > count) {
			throw new InvalidConfigurationException(node.attrPath("current"),
					"current (" + current.get() + ") is more than the vCPU count (" + count + ")");
		}
		return new Vcpu(count, current, cpuset);
	}

	static CpuConfig cpu(XNode node) {
		Optional<XNode> modelNode = node.child("model");
		CpuMode mode = node.enumAttr("mode", CpuMode.class, CpuMode.CUSTOM);
		// match='exact' and check='none|partial' describe exactly what QEMU does with a
		// named model.
		node.oneOf("match", "exact", "exact");
		node.oneOf("check", "partial", "none", "partial");
		Optional<String> model = modelNode.map((child) -> {
			child.oneOf("fallback", "forbid", "allow", "forbid");
			String name = child.requiredText();
			if (!MODEL_NAME.matcher(name).matches()) {
				throw new InvalidConfigurationException(child.path(),
						"'" + Numbers.abbreviate(name) + "' is not a CPU model name");
			}
			child.finish();
			return name;
		});
		if (mode == CpuMode.CUSTOM && model.isEmpty() && !node.children("feature").isEmpty()) {
			throw new InvalidConfigurationException(node.path() + "/model",
					"<cpu mode='custom'> with features needs a <model>");
		}
		if (mode != CpuMode.CUSTOM && model.isPresent()) {
			throw new InvalidConfigurationException(node.path() + "/model", "<model> is only valid with mode='custom'");
		}
		Optional<CpuTopology> topology = node.child("topology").map((child) -> {
			CpuTopology result = new CpuTopology(child.intAttr("sockets", 1, MAX_VCPUS).orElse(1),
					child.intAttr("dies", 1, MAX_VCPUS).orElse(1), child.intAttr("cores", 1, MAX_VCPUS).orElse(1),
					child.intAttr("threads", 1, MAX_VCPUS).orElse(1));
			child.finish();
			return result;
		});
		Optional<Boolean> migratable = Optional.empty();
		if (node.attr("migratable").isPresent()) {
			if (mode != CpuMode.HOST_PASSTHROUGH && mode != CpuMode.MAXIMUM) {
				throw new UnsupportedConfigurationException(node.attrPath("migratable"),
						"migratable is supported with mode='host-passthrough' or 'maximum' only");
			}
			migratable = Optional.of(node.onOff("migratable", true));
		}
		List<CpuFeature> features = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (XNode child : node.children("feature")) {
			String policy = child.oneOf("policy", "require", "require", "force", "disable", "forbid");
			String name = child.requiredAttr("name");
			if (!FEATURE_NAME.matcher(name).matches()) {
				throw new InvalidConfigurationException(child.attrPath("name"),
						"'" + Numbers.abbreviate(name) + "' is not a CPU feature name");
			}
			if (!seen.add(name)) {
				throw new InvalidConfigurationException(child.attrPath("name"),
						"feature '" + name + "' is listed twice");
			}
			child.finish();
			features.add(new CpuFeature(policy, name));
		}
		Optional<String> cache = node.child("cache").map((child) -> {
			String cacheMode = child.oneOf("mode", null, "passthrough", "emulate", "disable");
			if (cacheMode == null) {
				throw new InvalidConfigurationException(child.attrPath("mode"),
						"give <cache mode='passthrough|emulate|disable'/>");
			}
			Optional<Integer> level = child.intAttr("level", 1, 3);
			if (cacheMode.equals("emulate") && level.orElse(0) != 3) {
				throw new UnsupportedConfigurationException(child.attrPath("level"),
						"only the L3 cache can be emulated: give <cache level='3' mode='emulate'/>");
			}
			if (!cacheMode.equals("emulate") && level.isPresent()) {
				throw new UnsupportedConfigurationException(child.attrPath("level"),
						"a level goes with mode='emulate' only");
			}
			if (cacheMode.equals("passthrough") && mode != CpuMode.HOST_PASSTHROUGH && mode != CpuMode.MAXIMUM) {
				throw new InvalidConfigurationException(child.attrPath("mode"),
						"cache mode='passthrough' needs <cpu mode='host-passthrough'> or 'maximum'");
			}
			if (mode == CpuMode.CUSTOM && model.isEmpty()) {
				throw new InvalidConfigurationException(child.path(), "<cache> needs a CPU <model> (or another mode)");
			}
			child.finish();
			return cacheMode;
		});
		List<NumaCell> numa = node.child("numa").map(NumaReader::read).orElse(List.of());
		node.finish();
		return new CpuConfig(mode, model, topology, features, migratable, cache, numa);
	}

}
