package io.github.qemuembed.driver.internal.xml;

import java.util.Map;
import java.util.Optional;

/**
 * One guest NUMA node,
 * {@code <cpu><numa><cell id cpus memory unit memAccess><distances>}.
 *
 * @param id the node id: cells are numbered 0, 1, ... in document order (libvirt's rule)
 * @param cpus the node's vCPUs in libvirt's list syntax (written back as ranges); empty
 * for a memory-only node
 * @param memoryKiB the node's memory; the cells add up to the domain's {@code <memory>}
 * @param memAccess {@code shared} or {@code private} when given: how the node's RAM is
 * mapped (else as {@code <memoryBacking><access>})
 * @param distances {@code <sibling id value>}: distance from this node to node {@code id}
 */
public record NumaCell(int id, Optional<String> cpus, long memoryKiB, Optional<String> memAccess,
		Map<Integer, Integer> distances) {

	public NumaCell {
		distances = Map.copyOf(distances);
	}

}
