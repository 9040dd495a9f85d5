package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

/**
 * Reads {@code <cpu><numa>}: the guest's NUMA cells and their distances (libvirt's
 * {@code numa_conf.c} rules).
 */
final class NumaReader {

	/** QEMU's limit on NUMA nodes ({@code MAX_NODES}). */
	static final int MAX_CELLS = 128;

	private NumaReader() {
	}

	static List<NumaCell> read(XNode numa) {
		List<XNode> cellNodes = numa.children("cell");
		if (cellNodes.isEmpty()) {
			throw new InvalidConfigurationException(numa.path(), "<numa> needs at least one <cell>");
		}
		if (cellNodes.size() > MAX_CELLS) {
			throw new InvalidConfigurationException(numa.path(), "at most " + MAX_CELLS + " NUMA cells are supported");
		}
		List<NumaCell> cells = new ArrayList<>();
		BitSet seen = new BitSet();
		for (int i = 0; i < cellNodes.size(); i++) {
			XNode cell = cellNodes.get(i);
			int id = cell.intAttr("id", 0, MAX_CELLS - 1).orElse(i);
			if (id != i) {
				// libvirt: ids are the cells' positions, from 0 without gaps
				throw new InvalidConfigurationException(cell.attrPath("id"),
						"cell id " + id + " is not its position " + i + ": number the cells 0, 1, ... in order");
			}
			Optional<String> cpus = cell.attr("cpus").map((text) -> {
				BitSet set = CpuSets.parse(cell.attrPath("cpus"), text);
				if (set.intersects(seen)) {
					throw new InvalidConfigurationException(cell.attrPath("cpus"),
							"cell " + id + " shares vCPUs with an earlier cell; each vCPU belongs to one cell");
				}
				seen.or(set);
				return CpuSets.format(set);
			});
			long memory = memory(cell);
			Optional<String> memAccess = Optional.ofNullable(cell.oneOf("memAccess", null, "shared", "private"));
			Map<Integer, Integer> distances = new TreeMap<>();
			cell.child("distances").ifPresent((node) -> {
				for (XNode sibling : node.children("sibling")) {
					int to = sibling.intAttr("id", 0, MAX_CELLS - 1)
						.orElseThrow(() -> new InvalidConfigurationException(sibling.attrPath("id"),
								"attribute 'id' of <sibling> is required"));
					int value = sibling.intAttr("value", 10, 255)
						.orElseThrow(() -> new InvalidConfigurationException(sibling.attrPath("value"),
								"attribute 'value' of <sibling> is required (10 to 255)"));
					if (to >= cellNodes.size()) {
						throw new InvalidConfigurationException(sibling.attrPath("id"), "there is no cell " + to);
					}
					if (to == id && value != 10) {
						throw new InvalidConfigurationException(sibling.attrPath("value"),
								"the distance of a cell to itself is 10");
					}
					if (to != id && value == 10) {
						throw new InvalidConfigurationException(sibling.attrPath("value"),
								"10 is the local distance; a distance to another cell is 11 to 255");
					}
					if (distances.put(to, value) != null) {
						throw new InvalidConfigurationException(sibling.attrPath("id"),
								"the distance to cell " + to + " is given twice");
					}
					sibling.finish();
				}
				node.finish();
			});
			cell.finish();
			cells.add(new NumaCell(id, cpus, memory, memAccess, distances));
		}
		numa.finish();
		return cells;
	}

	private static long memory(XNode cell) {
		String text = cell.attr("memory")
			.orElseThrow(() -> new InvalidConfigurationException(cell.attrPath("memory"),
					"attribute 'memory' of <cell> is required"));
		long scale = XmlValues.unitScale(cell.attrPath("unit"), cell.attr("unit").orElse("KiB"));
		long value = Numbers.parse(cell.attrPath("memory"), text, 1, XmlValues.MAX_MEMORY_KIB * 1024);
		if (value > XmlValues.MAX_MEMORY_KIB * 1024 / scale) {
			throw new InvalidConfigurationException(cell.attrPath("memory"),
					"larger than the supported maximum of 16 TiB");
		}
		return (value * scale + 1023) / 1024;
	}

}
