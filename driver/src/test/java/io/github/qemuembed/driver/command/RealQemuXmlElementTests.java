package io.github.qemuembed.driver.command;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.Accel;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The domain XML elements of issue 13's second round (NUMA, SMBIOS, I/O limits, network disks, backing chains,
 * floppies, controller drivers, huge pages) started on a real QEMU, paused, with the builder's argv, and checked
 * over QMP.
 */
class RealQemuXmlElementTests {

	@TempDir
	Path root;

	static String domain(String inside) {
		return "<domain type='qemu'>" + inside + "</domain>";
	}

	@Test
	void numaCellsAreNodesWithTheirBackendsCpusAndDistances() throws Exception {
		String xml = domain("<name>numa</name><vcpu>4</vcpu><os><type machine='q35'>hvm</type></os>"
				+ "<cpu mode='maximum'><numa><cell id='0' cpus='0-1,3' memory='96' unit='MiB'><distances>"
				+ "<sibling id='1' value='21'/></distances></cell>"
				+ "<cell id='1' cpus='2' memory='32' unit='MiB' memAccess='shared'/></numa></cpu>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			assertThat(qemu.qmp("query-memory-size-summary").get("base-memory").asLong()).isEqualTo(128L << 20);
			Map<String, JsonNode> memdevs = new java.util.HashMap<>();
			qemu.qmp("query-memdev").forEach((dev) -> memdevs.put(dev.get("id").asString(), dev));
			assertThat(memdevs).containsOnlyKeys("ram-node0", "ram-node1");
			assertThat(memdevs.get("ram-node0").get("size").asLong()).isEqualTo(96L << 20);
			assertThat(memdevs.get("ram-node0").get("share").asBoolean()).isFalse();
			assertThat(memdevs.get("ram-node1").get("share").asBoolean()).isTrue();
			Map<Integer, Integer> nodeOfCpu = new java.util.TreeMap<>();
			qemu.qmp("query-cpus-fast").forEach((cpu) -> nodeOfCpu.put(cpu.get("cpu-index").asInt(),
					cpu.get("props").get("node-id").asInt()));
			assertThat(nodeOfCpu).isEqualTo(Map.of(0, 0, 1, 0, 2, 1, 3, 0));
			String numa = qemu.qmp("human-monitor-command", Map.of("command-line", "info numa")).asString();
			assertThat(numa).contains("2 nodes").contains("node 0 cpus: 0 1 3").contains("node 1 cpus: 2");
		}
	}

	/** SMBIOS tables have no QMP query: this proves QEMU 7.2 takes every -smbios option the builder writes. */
	@Test
	void smbiosTablesFromSysinfoAreAccepted() throws Exception {
		String xml = domain("<name>smbios</name><memory unit='MiB'>64</memory><sysinfo type='smbios'>"
				+ "<bios><entry name='vendor'>Qemu, Embed</entry><entry name='version'>1.0</entry>"
				+ "<entry name='date'>12/01/2026</entry><entry name='release'>1.2</entry></bios>"
				+ "<system><entry name='manufacturer'>Acme</entry><entry name='product'>P</entry>"
				+ "<entry name='version'>2</entry><entry name='serial'>S-1</entry>"
				+ "<entry name='uuid'>c7a5fdbd-edaf-9455-926a-d65c16db1809</entry><entry name='sku'>K</entry>"
				+ "<entry name='family'>F</entry></system><baseBoard><entry name='manufacturer'>B</entry>"
				+ "<entry name='product'>BP</entry><entry name='version'>3</entry><entry name='serial'>BS</entry>"
				+ "<entry name='asset'>BA</entry><entry name='location'>L</entry></baseBoard>"
				+ "<chassis><entry name='manufacturer'>C</entry><entry name='version'>4</entry>"
				+ "<entry name='serial'>CS</entry><entry name='asset'>CA</entry><entry name='sku'>CK</entry></chassis>"
				+ "<oemStrings><entry>app:one</entry><entry>app:two, with a comma</entry></oemStrings></sysinfo>"
				+ "<os><type machine='q35'>hvm</type><smbios mode='sysinfo'/></os>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			assertThat(qemu.command().argv()).filteredOn((arg) -> arg.startsWith("type=")).hasSize(5);
			assertThat(qemu.qmp("query-uuid").get("UUID").asString()).isEqualTo("c7a5fdbd-edaf-9455-926a-d65c16db1809");
			assertThat(qemu.qmp("query-status").get("status").asString()).isEqualTo("prelaunch");
		}
	}

}
