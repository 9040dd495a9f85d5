package io.github.qemuembed.driver.internal.capabilities;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one emulator binary can do, probed over QMP and cached per binary (path, size,
 * mtime).
 *
 * @param emulator the binary
 * @param version QEMU's version as {@code major.minor.micro}
 * @param machineTypes every machine type name, aliases included ({@code pc-q35-7.2},
 * {@code q35}, ...)
 * @param machineAliases alias to canonical name ({@code q35 -> pc-q35-7.2}); canonical
 * names are what a definition is pinned to, so a domain keeps its machine across QEMU
 * upgrades
 * @param defaultMachine the binary's default machine type
 * @param accelerators accelerators compiled in and usable ({@code kvm}, {@code tcg})
 * @param deviceTypes {@code -device} types ({@code virtio-blk-pci},
 * {@code pcie-root-port}, ...)
 * @param objectTypes {@code -object} types ({@code secret}, {@code rng-random}, ...)
 * @param cpuModels CPU model names for {@code <cpu mode='custom'>}
 */
public record QemuCapabilities(Path emulator, String version, List<String> machineTypes,
		Map<String, String> machineAliases, String defaultMachine, Set<String> accelerators, Set<String> deviceTypes,
		Set<String> objectTypes, Set<String> cpuModels) {

	public QemuCapabilities {
		machineTypes = List.copyOf(machineTypes);
		machineAliases = Map.copyOf(machineAliases);
		accelerators = Set.copyOf(accelerators);
		deviceTypes = Set.copyOf(deviceTypes);
		objectTypes = Set.copyOf(objectTypes);
		cpuModels = Set.copyOf(cpuModels);
	}

	/**
	 * The canonical (versioned) name of a machine type or alias, or the name itself if
	 * not an alias.
	 */
	public String canonicalMachine(String name) {
		return this.machineAliases.getOrDefault(name, name);
	}

	public boolean hasDevice(String type) {
		return this.deviceTypes.contains(type);
	}

}
