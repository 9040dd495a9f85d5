package io.github.qemuembed.driver.internal.xml;

import java.util.List;
import java.util.Optional;

/**
 * {@code <cpu mode>}: {@code model} only with {@code mode='custom'}. {@code host-model}
 * is run as QEMU's {@code host} CPU under KVM (QEMU has no separate host-model; libvirt
 * expands it from the host's CPUID, which amounts to the same guest-visible features
 * apart from migration safety). {@code migratable} ({@code host-passthrough} and
 * {@code maximum} only) keeps or drops features that cannot be migrated. {@code cache} is
 * {@code <cache mode>}: {@code passthrough} (host-passthrough/maximum only),
 * {@code emulate} (level 3), {@code disable}. {@code numa} are the guest's NUMA cells
 * ({@code <numa><cell>}), empty for none.
 */
public record CpuConfig(CpuMode mode, Optional<String> model, Optional<CpuTopology> topology, List<CpuFeature> features,
		Optional<Boolean> migratable, Optional<String> cache, List<NumaCell> numa) {

	public CpuConfig(CpuMode mode, Optional<String> model, Optional<CpuTopology> topology, List<CpuFeature> features,
			Optional<Boolean> migratable, Optional<String> cache) {
		this(mode, model, topology, features, migratable, cache, List.of());
	}

	public CpuConfig(CpuMode mode, Optional<String> model, Optional<CpuTopology> topology, List<CpuFeature> features,
			Optional<Boolean> migratable) {
		this(mode, model, topology, features, migratable, Optional.empty());
	}

	public CpuConfig {
		features = List.copyOf(features);
		numa = List.copyOf(numa);
	}

}
