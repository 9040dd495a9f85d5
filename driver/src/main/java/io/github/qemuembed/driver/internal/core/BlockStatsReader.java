package io.github.qemuembed.driver.internal.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.BlockStats;
import io.github.qemuembed.driver.internal.command.QemuCommandBuilder;
import io.github.qemuembed.driver.internal.xml.Disk;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import tools.jackson.databind.JsonNode;

/**
 * Turns a {@code query-blockstats} answer into per-disk counters named by
 * {@code <target dev>}: QEMU names each disk by the device id the command builder gave it
 * ({@code qdev} {@code /machine/peripheral/virtio-disk0/virtio-backend}).
 */
final class BlockStatsReader {

	private static final String PERIPHERAL = "/machine/peripheral/";

	private BlockStatsReader() {
	}

	static List<BlockStats> read(JsonNode blockstats, DomainDefinition live) {
		Map<String, String> targets = new HashMap<>();
		for (Disk disk : live.devices().disks()) {
			targets.put(QemuCommandBuilder.diskDeviceId(disk), disk.targetDev());
		}
		List<BlockStats> stats = new ArrayList<>();
		for (JsonNode entry : blockstats) {
			String target = targets.get(deviceId(entry.path("qdev").asString("")));
			if (target == null) {
				// a block node no disk of the definition uses (e.g. an empty drive)
				continue;
			}
			JsonNode counters = entry.path("stats");
			stats.add(new BlockStats(target, counters.path("rd_bytes").asLong(0), counters.path("wr_bytes").asLong(0),
					counters.path("rd_operations").asLong(0), counters.path("wr_operations").asLong(0)));
		}
		return stats;
	}

	private static String deviceId(String qdev) {
		String id = qdev.startsWith(PERIPHERAL) ? qdev.substring(PERIPHERAL.length()) : qdev;
		int slash = id.indexOf('/');
		return (slash >= 0) ? id.substring(0, slash) : id;
	}

}
