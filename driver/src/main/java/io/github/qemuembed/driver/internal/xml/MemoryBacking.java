package io.github.qemuembed.driver.internal.xml;

import java.util.List;
import java.util.Optional;

/**
 * {@code <memoryBacking><hugepages/><source type='anonymous|memfd'/><access mode=
 * 'shared|private'/></memoryBacking>}: what holds the guest's RAM. Shared memfd memory is
 * what vhost-user devices (virtiofs) need.
 *
 * @param source {@code anonymous} (QEMU's default) or {@code memfd}
 * @param shared whether the RAM is mapped shared ({@code access mode='shared'})
 * @param hugepages whether there is a {@code <hugepages>} element
 * @param hugepageKiB the page size asked for by the {@code <page>} without a
 * {@code nodeset}; empty means the host's default size
 * @param nodePages the {@code <page>}s with a {@code nodeset}: the guest NUMA nodes whose
 * memory is in huge pages of that size
 */
public record MemoryBacking(String source, boolean shared, boolean hugepages, Optional<Long> hugepageKiB,
		List<NodePages> nodePages) {

	public MemoryBacking {
		nodePages = List.copyOf(nodePages);
	}

	public MemoryBacking(String source, boolean shared, boolean hugepages, Optional<Long> hugepageKiB) {
		this(source, shared, hugepages, hugepageKiB, List.of());
	}

	public MemoryBacking(String source, boolean shared) {
		this(source, shared, false, Optional.empty());
	}

	/**
	 * {@code <page size nodeset/>}.
	 *
	 * @param pageKiB the page size
	 * @param nodeset the guest NUMA nodes, in libvirt's list syntax ({@code 0-1,3})
	 */
	public record NodePages(long pageKiB, String nodeset) {

		public boolean contains(int node) {
			return CpuSets.parse("", this.nodeset).get(node);
		}

	}

	/**
	 * The huge page size of guest NUMA node {@code node} (node 0 is all the memory of a
	 * guest without cells), as libvirt picks it: the page whose nodeset holds the node,
	 * else the page without a nodeset (0 when that names no size: the host's default
	 * size); empty when the node's memory is not in huge pages (a {@code <hugepages>}
	 * whose pages all have nodesets leaves the other nodes in normal memory).
	 */
	public Optional<Long> pageKiBFor(int node) {
		if (!this.hugepages) {
			return Optional.empty();
		}
		for (NodePages pages : this.nodePages) {
			if (pages.contains(node)) {
				return Optional.of(pages.pageKiB());
			}
		}
		if (!this.nodePages.isEmpty() && this.hugepageKiB.isEmpty()) {
			return Optional.empty();
		}
		return Optional.of(this.hugepageKiB.orElse(0L));
	}

}
