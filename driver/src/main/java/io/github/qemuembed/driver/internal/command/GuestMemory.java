package io.github.qemuembed.driver.internal.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.xml.CpuConfig;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.MemoryBacking;
import io.github.qemuembed.driver.internal.xml.NumaCell;

/**
 * The guest RAM's part of the command line: the memory backends ({@code <memoryBacking>})
 * and the NUMA nodes ({@code <cpu><numa>}). Without NUMA cells a {@code <memoryBacking>}
 * is one backend, {@code pc.ram}, named by {@code -machine memory-backend=}; with cells
 * each node has its backend {@code ram-nodeN} and a {@code -numa node}, as libvirt writes
 * them.
 */
final class GuestMemory {

	private final DomainDefinition def;

	private final RunContext ctx;

	GuestMemory(DomainDefinition def, RunContext ctx) {
		this.def = def;
		this.ctx = ctx;
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
				args.add(backend("pc.ram", this.def.memoryKiB(), b.shared(), b, hugePages()).toString());
			});
			return args;
		}
		Optional<HugePagePool> pool = hugePages();
		for (NumaCell cell : cells()) {
			boolean shared = cell.memAccess()
				.map("shared"::equals)
				.orElse(backing.map(MemoryBacking::shared).orElse(false));
			args.add("-object");
			args.add(backend("ram-node" + cell.id(), cell.memoryKiB(), shared, backing.orElse(null), pool).toString());
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

	private static Json backend(String id, long kib, boolean shared, MemoryBacking backing,
			Optional<HugePagePool> pool) {
		boolean memfd = backing != null && backing.source().equals("memfd");
		Json object = Json.object();
		if (pool.isPresent() && !memfd) {
			// huge pages as libvirt gives them: a file in the hugetlbfs mount, allocated
			// up front
			object.put("qom-type", "memory-backend-file")
				.put("id", id)
				.put("mem-path", pool.get().mount().get().toString())
				.put("prealloc", true);
		}
		else {
			object.put("qom-type", memfd ? "memory-backend-memfd" : "memory-backend-ram").put("id", id);
			if (pool.isPresent()) {
				object.put("hugetlb", true).put("hugetlbsize", pool.get().pageKiB() * 1024);
			}
		}
		object.put("size", kib * 1024);
		if (backing != null || shared) {
			object.put("share", shared);
		}
		return object;
	}

	/**
	 * The host pool {@code <hugepages>} asks for; refused (with what to do) when the host
	 * has no such pages, too few free ones, or no hugetlbfs mount for a file-backed
	 * guest.
	 */
	private Optional<HugePagePool> hugePages() {
		Optional<MemoryBacking> backing = this.def.memoryBacking().filter(MemoryBacking::hugepages);
		if (backing.isEmpty()) {
			return Optional.empty();
		}
		String path = "/domain/memoryBacking/hugepages";
		Optional<Long> asked = backing.get().hugepageKiB();
		HugePagePool pool = this.ctx.hugePages()
			.stream()
			.filter((p) -> asked.map((kib) -> p.pageKiB() == kib).orElse(p.hostDefault()))
			.findFirst()
			.orElseThrow(() -> new UnsupportedConfigurationException(path,
					"this host has no huge pages of " + asked.map((kib) -> kib + " KiB").orElse("the default size")
							+ " (it has: " + this.ctx.hugePages().stream().map((p) -> p.pageKiB() + " KiB").toList()
							+ "); give a size it has in <page size>, or remove <hugepages>"));
		long size = pool.pageKiB();
		String sysfs = "/sys/kernel/mm/hugepages/hugepages-" + size + "kB/nr_hugepages";
		long needed = (this.def.memoryKiB() + size - 1) / size;
		if (pool.freePages() < needed) {
			throw new UnsupportedConfigurationException(path,
					"the guest needs " + needed + " huge pages of " + size + " KiB and the host has " + pool.freePages()
							+ " free: reserve more (as root, echo N > " + sysfs + "), or remove <hugepages>");
		}
		if (pool.mount().isEmpty() && !backing.get().source().equals("memfd")) {
			throw new UnsupportedConfigurationException(path,
					"no hugetlbfs with " + size + " KiB pages is mounted: "
							+ "mount one (as root, mount -t hugetlbfs -o pagesize=" + size
							+ "K none /dev/hugepages), or use " + "<source type='memfd'/>, which needs no mount");
		}
		return Optional.of(pool);
	}

}
