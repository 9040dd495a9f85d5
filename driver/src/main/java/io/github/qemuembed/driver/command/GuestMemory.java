package io.github.qemuembed.driver.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.driver.xml.CpuConfig;
import io.github.qemuembed.driver.xml.DomainDefinition;
import io.github.qemuembed.driver.xml.MemoryBacking;
import io.github.qemuembed.driver.xml.NumaCell;

/**
 * The guest RAM's part of the command line: the memory backends ({@code <memoryBacking>}) and the NUMA nodes
 * ({@code <cpu><numa>}). Without NUMA cells a {@code <memoryBacking>} is one backend, {@code pc.ram}, named by
 * {@code -machine memory-backend=}; with cells each node has its backend {@code ram-nodeN} and a
 * {@code -numa node}, as libvirt writes them.
 */
final class GuestMemory {

	private final DomainDefinition def;

	GuestMemory(DomainDefinition def) {
		this.def = def;
	}

	private List<NumaCell> cells() {
		return this.def.cpu().map(CpuConfig::numa).orElse(List.of());
	}

	/** The {@code -machine} option naming the RAM's backend, when there is one. */
	Optional<String> machineOption() {
		return (this.def.memoryBacking().isPresent() && cells().isEmpty()) ? Optional.of("memory-backend=pc.ram")
				: Optional.empty();
	}

	/** The {@code -object} backends, after {@code -m}. */
	List<String> backends() {
		List<String> args = new ArrayList<>();
		Optional<MemoryBacking> backing = this.def.memoryBacking();
		if (cells().isEmpty()) {
			backing.ifPresent((b) -> {
				args.add("-object");
				args.add(backend("pc.ram", this.def.memoryKiB(), b.shared(), b).toString());
			});
			return args;
		}
		for (NumaCell cell : cells()) {
			boolean shared = cell.memAccess().map("shared"::equals)
				.orElse(backing.map(MemoryBacking::shared).orElse(false));
			args.add("-object");
			args.add(backend("ram-node" + cell.id(), cell.memoryKiB(), shared, backing.orElse(null)).toString());
		}
		return args;
	}

	/** The {@code -numa} nodes and distances, after {@code -smp}. */
	List<String> numa() {
		List<String> args = new ArrayList<>();
		for (NumaCell cell : cells()) {
			StringBuilder node = new StringBuilder("node,nodeid=").append(cell.id());
			// QEMU takes a list of ranges as repeated cpus= options
			cell.cpus().ifPresent((cpus) -> {
				for (String range : cpus.split(",")) {
					node.append(",cpus=").append(range);
				}
			});
			node.append(",memdev=ram-node").append(cell.id());
			args.add("-numa");
			args.add(node.toString());
		}
		for (NumaCell cell : cells()) {
			cell.distances().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).forEach((distance) -> {
				args.add("-numa");
				args.add("dist,src=" + cell.id() + ",dst=" + distance.getKey() + ",val=" + distance.getValue());
			});
		}
		return args;
	}

	private static Json backend(String id, long kib, boolean shared, MemoryBacking backing) {
		boolean memfd = backing != null && backing.source().equals("memfd");
		Json object = Json.object().put("qom-type", memfd ? "memory-backend-memfd" : "memory-backend-ram")
			.put("id", id).put("size", kib * 1024);
		if (backing != null || shared) {
			object.put("share", shared);
		}
		return object;
	}

}
