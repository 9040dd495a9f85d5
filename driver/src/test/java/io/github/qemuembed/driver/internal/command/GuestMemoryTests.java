package io.github.qemuembed.driver.internal.command;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The guest RAM's arguments: NUMA nodes and huge pages against given host pools (no host
 * facts read).
 */
class GuestMemoryTests {

	static final HugePagePool TWO_MIB = new HugePagePool(2048, 64, Optional.of(Path.of("/dev/hugepages")), true);

	static List<String> argv(String xml, List<HugePagePool> pools) {
		DomainDefinition def = DomainXml.parse(xml);
		RunContext ctx = RunContext
			.of(Accel.TCG, Path.of("/usr/bin/qemu-system-x86_64"), Path.of("/r/lib/qemu/d"), Path.of("/r/run/d.pid"),
					Path.of("/r/log/d.log"))
			.withHugePages(pools);
		return QemuCommandBuilder.build(def, TestCapabilities.qemu72(), ctx).argv();
	}

	static String domain(String memory, String backing, String cpu) {
		return "<domain type='qemu'><name>m</name>" + memory + "<memoryBacking>" + backing + "</memoryBacking>"
				+ "<vcpu>2</vcpu><os><type machine='q35'>hvm</type></os>" + cpu + "</domain>";
	}

	@Test
	void hugePagesAreAFileInTheHugetlbfsAllocatedUpFront() {
		assertThat(argv(domain("<memory unit='MiB'>64</memory>", "<hugepages/>", ""), List.of(TWO_MIB)))
			.contains("{\"qom-type\":\"memory-backend-file\",\"id\":\"pc.ram\",\"mem-path\":\"/dev/hugepages\","
					+ "\"prealloc\":true,\"size\":67108864,\"share\":false}")
			.anyMatch((arg) -> arg.contains("memory-backend=pc.ram"));
		assertThat(argv(
				domain("<memory unit='MiB'>64</memory>",
						"<hugepages><page size='2' unit='M'/></hugepages>" + "<source type='memfd'/>", ""),
				List.of(new HugePagePool(2048, 64, Optional.empty(), true))))
			.contains(
					"{\"qom-type\":\"memory-backend-memfd\",\"id\":\"pc.ram\",\"hugetlb\":true,\"hugetlbsize\":2097152,"
							+ "\"size\":67108864,\"share\":false}");
		assertThat(argv(
				domain("", "<hugepages/>",
						"<cpu mode='maximum'><numa><cell cpus='0' memory='32' unit='MiB'/>"
								+ "<cell cpus='1' memory='32' unit='MiB' memAccess='shared'/></numa></cpu>"),
				List.of(TWO_MIB)))
			.contains("{\"qom-type\":\"memory-backend-file\",\"id\":\"ram-node1\",\"mem-path\":\"/dev/hugepages\","
					+ "\"prealloc\":true,\"size\":33554432,\"share\":true}")
			.contains("node,nodeid=0,cpus=0,memdev=ram-node0")
			.noneMatch((arg) -> arg.contains("memory-backend=pc.ram"));
	}

	@Test
	void aHostWithoutThePagesIsRefusedSayingWhatToDo() {
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> argv(domain("<memory unit='MiB'>64</memory>", "<hugepages/>", ""),
					List.of(new HugePagePool(2048, 0, Optional.of(Path.of("/dev/hugepages")), true))))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/memoryBacking/hugepages"))
			.withMessageContaining("needs 32 huge pages of 2048 KiB and the host has 0 free")
			.withMessageContaining("nr_hugepages");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> argv(domain("<memory unit='MiB'>64</memory>",
					"<hugepages><page size='1' unit='G'/>" + "</hugepages>", ""), List.of(TWO_MIB)))
			.withMessageContaining("no huge pages of 1048576 KiB");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> argv(domain("<memory unit='MiB'>64</memory>", "<hugepages/>", ""),
					List.of(new HugePagePool(2048, 64, Optional.empty(), true))))
			.withMessageContaining("mount -t hugetlbfs");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> argv(domain("<memory unit='MiB'>64</memory>", "<hugepages/>", ""), List.of()))
			.withMessageContaining("no huge pages");
	}

	@Test
	void pageSizesAndPerNodeSizes() {
		// a nodeset names guest NUMA nodes: without cells there is node 0 only
		assertThat(DomainXml
			.parse(domain("<memory>65536</memory>", "<hugepages><page size='2048' nodeset='0'/>" + "</hugepages>", ""))
			.memoryBacking()
			.get()
			.pageKiBFor(0)).contains(2048L);
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(domain("<memory>65536</memory>",
					"<hugepages><page size='2048' nodeset='1'/>" + "</hugepages>", "")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/memoryBacking/hugepages/page/@nodeset"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml
				.parse(domain("<memory>65536</memory>", "<hugepages><page size='3000'/>" + "</hugepages>", "")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/memoryBacking/hugepages/page[1]/@size"));
		DomainDefinition def = DomainXml
			.parse(domain("<memory>65536</memory>", "<hugepages><page size='1' unit='G'/>" + "</hugepages>", ""));
		assertThat(def.memoryBacking().get().hugepageKiB()).contains(1048576L);
		assertThat(DomainXml.parse(DomainXml.write(def, true))).isEqualTo(def);
	}

	@Test
	void hostPoolsAreReadFromSysfsAndMounts() {
		assertThat(HugePagePool.parseSize("2M")).isEqualTo(2048);
		assertThat(HugePagePool.parseSize("1G")).isEqualTo(1048576);
		// every x86 kernel with huge pages has a default size; this host's pools are read
		// without error
		assertThat(HugePagePool.host()).allMatch((pool) -> pool.pageKiB() >= 2048);
	}

	/**
	 * The host's pools are read only for a guest that asks for huge pages: every other
	 * start is spared the sysfs and mount table reads.
	 */
	@Test
	void hostPoolsAreReadOnlyForAGuestWithHugePages() {
		AtomicInteger reads = new AtomicInteger();
		RunContext ctx = new RunContext(Accel.TCG, Path.of("/usr/bin/qemu-system-x86_64"), Path.of("/r/lib/qemu/d"),
				Path.of("/r/lib/qemu/d/monitor.sock"), Path.of("/r/run/d.pid"), Path.of("/r/log/d.log"), Map.of(),
				Map.of(), Map.of(), Optional.empty(), List.of(), () -> {
					reads.incrementAndGet();
					return List.of(TWO_MIB);
				});
		QemuCommandBuilder.build(
				DomainXml.parse("<domain type='qemu'><name>m</name><memory unit='MiB'>64</memory>"
						+ "<vcpu>1</vcpu><os><type machine='q35'>hvm</type></os></domain>"),
				TestCapabilities.qemu72(), ctx);
		assertThat(reads).hasValue(0);
		assertThat(QemuCommandBuilder
			.build(DomainXml.parse(domain("<memory unit='MiB'>64</memory>", "<hugepages/>", "")),
					TestCapabilities.qemu72(), ctx)
			.argv()).anyMatch((arg) -> arg.contains("\"mem-path\":\"/dev/hugepages\""));
		assertThat(reads).hasPositiveValue();
	}

}
