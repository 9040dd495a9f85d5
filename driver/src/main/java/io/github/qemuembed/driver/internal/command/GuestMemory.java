package io.github.qemuembed.driver.internal.command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
				Optional<HugePagePool> pool = hugePages(List.of(this.def.memoryKiB())).get(0);
				args.add("-object");
				args.add(backend("pc.ram", this.def.memoryKiB(), b.shared(), b, pool).toString());
			});
			return args;
		}
		List<Optional<HugePagePool>> pools = hugePages(cells().stream().map(NumaCell::memoryKiB).toList());
		for (int i = 0; i < cells().size(); i++) {
			NumaCell cell = cells().get(i);
			boolean shared = cell.memAccess()
				.map("shared"::equals)
				.orElse(backing.map(MemoryBacking::shared).orElse(false));
			args.add("-object");
			args.add(backend("ram-node" + cell.id(), cell.memoryKiB(), shared, backing.orElse(null), pools.get(i))
				.toString());
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
			cell.distances().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach((distance) -> {
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
	 * The host pool each guest NUMA node's memory is in (node 0 alone without cells; in
	 * order, with each node's size): empty for a node without huge pages. Refused (with
	 * what to do) when the host has no pages of a size asked for, too few free ones for
	 * all the nodes that use them, or no hugetlbfs mount for a file-backed guest.
	 */
	private List<Optional<HugePagePool>> hugePages(List<Long> nodeKiB) {
		Optional<MemoryBacking> backing = this.def.memoryBacking();
		String path = "/domain/memoryBacking/hugepages";
		List<Optional<HugePagePool>> pools = new ArrayList<>();
		Map<HugePagePool, Long> needed = new LinkedHashMap<>();
		for (int node = 0; node < nodeKiB.size(); node++) {
			int id = cells().isEmpty() ? 0 : cells().get(node).id();
			Optional<Long> size = backing.flatMap((b) -> b.pageKiBFor(id));
			if (size.isEmpty()) {
				pools.add(Optional.empty());
				continue;
			}
			long kib = size.get();
			HugePagePool pool = this.ctx.hugePages()
				.stream()
				.filter((p) -> (kib == 0) ? p.hostDefault() : p.pageKiB() == kib)
				.findFirst()
				.orElseThrow(() -> new UnsupportedConfigurationException(path,
						"this host has no huge pages of " + ((kib == 0) ? "the default size" : kib + " KiB")
								+ " (it has: " + this.ctx.hugePages().stream().map((p) -> p.pageKiB() + " KiB").toList()
								+ "); give a size it has in <page size>, or remove <hugepages>"));
			needed.merge(pool, (nodeKiB.get(node) + pool.pageKiB() - 1) / pool.pageKiB(), Long::sum);
			if (pool.mount().isEmpty() && !backing.get().source().equals("memfd")) {
				throw new UnsupportedConfigurationException(path,
						"no hugetlbfs with " + pool.pageKiB() + " KiB pages is mounted: "
								+ "mount one (as root, mount -t hugetlbfs -o pagesize=" + pool.pageKiB()
								+ "K none /dev/hugepages), or use " + "<source type='memfd'/>, which needs no mount");
			}
			pools.add(Optional.of(pool));
		}
		needed.forEach((pool, pages) -> {
			if (pool.freePages() < pages) {
				String sysfs = "/sys/kernel/mm/hugepages/hugepages-" + pool.pageKiB() + "kB/nr_hugepages";
				throw new UnsupportedConfigurationException(path,
						"the guest needs " + pages + " huge pages of " + pool.pageKiB() + " KiB and the host has "
								+ pool.freePages() + " free: reserve more (as root, echo N > " + sysfs
								+ "), or remove <hugepages>");
			}
		});
		return pools;
	}

}
