package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The domain XML elements of issue 13's second round (NUMA, SMBIOS, I/O limits, network
 * disks, backing chains, floppies, controller drivers, huge pages) started on a real
 * QEMU, paused, with the builder's argv, and checked over QMP.
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
			Map<String, JsonNode> memdevs = new HashMap<>();
			qemu.qmp("query-memdev").forEach((dev) -> memdevs.put(dev.get("id").asString(), dev));
			assertThat(memdevs).containsOnlyKeys("ram-node0", "ram-node1");
			assertThat(memdevs.get("ram-node0").get("size").asLong()).isEqualTo(96L << 20);
			assertThat(memdevs.get("ram-node0").get("share").asBoolean()).isFalse();
			assertThat(memdevs.get("ram-node1").get("share").asBoolean()).isTrue();
			Map<Integer, Integer> nodeOfCpu = new TreeMap<>();
			qemu.qmp("query-cpus-fast")
				.forEach((cpu) -> nodeOfCpu.put(cpu.get("cpu-index").asInt(), cpu.get("props").get("node-id").asInt()));
			assertThat(nodeOfCpu).isEqualTo(Map.of(0, 0, 1, 0, 2, 1, 3, 0));
			String numa = qemu.qmp("human-monitor-command", Map.of("command-line", "info numa")).asString();
			assertThat(numa).contains("2 nodes").contains("node 0 cpus: 0 1 3").contains("node 1 cpus: 2");
		}
	}

	/**
	 * SMBIOS tables have no QMP query: this proves QEMU 7.2 takes every -smbios option
	 * the builder writes.
	 */
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

	/**
	 * Reads a block node from outside: QEMU exports it over NBD
	 * ({@code nbd-server-start}, {@code block-export-add}) and {@code qemu-io} checks
	 * every byte of the range ({@code read -P}). The data went through every node the
	 * builder set up below {@code node}.
	 */
	void assertPattern(RealQemu qemu, String node, int pattern, int length) throws Exception {
		Path socket = this.root.resolve("export-" + node + ".sock");
		qemu.qmp("nbd-server-start", Map.of("addr", Map.of("type", "unix", "data", Map.of("path", socket.toString()))));
		qemu.qmp("block-export-add", Map.of("type", "nbd", "id", "check", "node-name", node, "name", "check"));
		Process io = new ProcessBuilder("qemu-io", "-r", "-f", "raw", "-c",
				"read -P 0x" + Integer.toHexString(pattern) + " 0 " + length, "nbd+unix:///check?socket=" + socket)
			.redirectErrorStream(true)
			.start();
		String out = new String(io.getInputStream().readAllBytes());
		assertThat(io.waitFor()).as(out).isZero();
		assertThat(out).contains("read " + length + "/" + length + " bytes").doesNotContain("verification failed");
		qemu.qmp("block-export-del", Map.of("id", "check"));
		qemu.qmp("nbd-server-stop");
	}

	static Path image(Path dir, String name, int pattern, int size) throws IOException {
		byte[] bytes = new byte[size];
		Arrays.fill(bytes, (byte) pattern);
		return Files.write(dir.resolve(name), bytes);
	}

	static void qemuImg(String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of("qemu-img"));
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String out = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(out).isZero();
	}

	@Test
	void iotuneIsAThrottleGroupSharedByItsDisks() throws Exception {
		Path a = image(this.root, "a.raw", 0x11, 1 << 20);
		Path b = image(this.root, "b.raw", 0x22, 1 << 20);
		Path c = image(this.root, "c.raw", 0x33, 1 << 20);
		String tune = "<iotune><total_bytes_sec>1048576</total_bytes_sec><total_bytes_sec_max>2097152</total_bytes_sec_max>"
				+ "<read_iops_sec>200</read_iops_sec><write_iops_sec>100</write_iops_sec><group_name>shared</group_name>"
				+ "</iotune>";
		String xml = domain("<name>iotune</name><memory unit='MiB'>64</memory><os><type machine='q35'>hvm</type></os>"
				+ "<devices><disk type='file'><source file='" + a + "'/><target dev='vda'/>" + tune + "</disk>"
				+ "<disk type='file'><source file='" + b + "'/><target dev='vdb'/>" + tune + "</disk>"
				+ "<disk type='file'><source file='" + c + "'/><target dev='vdc'/><iotune><total_iops_sec>50"
				+ "</total_iops_sec></iotune></disk></devices>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			JsonNode shared = qemu.qomGet("/objects/throttle-shared", "limits");
			assertThat(shared.get("bps-total").asLong()).isEqualTo(1048576);
			assertThat(shared.get("bps-total-max").asLong()).isEqualTo(2097152);
			assertThat(shared.get("iops-read").asLong()).isEqualTo(200);
			assertThat(shared.get("iops-write").asLong()).isEqualTo(100);
			assertThat(qemu.qomGet("/objects/throttle-virtio-disk2", "limits").get("iops-total").asLong())
				.isEqualTo(50);
			Map<String, String> drivers = new HashMap<>();
			qemu.qmp("query-named-block-nodes")
				.forEach((node) -> drivers.put(node.get("node-name").asString(), node.get("drv").asString()));
			assertThat(drivers).containsEntry("virtio-disk0-throttle", "throttle")
				.containsEntry("virtio-disk1-throttle", "throttle")
				.containsEntry("virtio-disk2-throttle", "throttle");
			// the device reads through the filter
			assertPattern(qemu, "virtio-disk1-throttle", 0x22, 4096);
		}
	}

	@Test
	void aSpelledOutBackingChainReplacesTheOneInTheImageHeader() throws Exception {
		Path base = image(this.root, "base.raw", 0x5a, 1 << 20);
		Path other = image(this.root, "other.raw", 0x77, 1 << 20);
		Path mid = this.root.resolve("mid.qcow2");
		Path top = this.root.resolve("top.qcow2");
		qemuImg("create", "-f", "qcow2", "-F", "raw", "-b", base.toString(), mid.toString());
		// the header of top names base directly; the XML says top -> mid -> other
		qemuImg("create", "-f", "qcow2", "-F", "raw", "-b", base.toString(), top.toString());
		String xml = domain("<name>chain</name><memory unit='MiB'>64</memory><os><type machine='q35'>hvm</type></os>"
				+ "<devices><disk type='file'><driver name='qemu' type='qcow2'/><source file='" + top + "'/>"
				+ "<backingStore type='file' index='1'><format type='qcow2'/><source file='" + mid + "'/>"
				+ "<backingStore type='file' index='2'><format type='raw'/><source file='" + other + "'/>"
				+ "<backingStore/></backingStore></backingStore><target dev='vda' bus='virtio'/></disk></devices>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			Map<String, String> files = new HashMap<>();
			qemu.qmp("query-named-block-nodes")
				.forEach((node) -> files.put(node.get("node-name").asString(), node.get("file").asString()));
			assertThat(files).containsEntry("virtio-disk0-b1-storage", mid.toString())
				.containsEntry("virtio-disk0-b2-storage", other.toString());
			assertThat(files.get("virtio-disk0-format")).contains(other.toString()).doesNotContain(base.toString());
			assertPattern(qemu, "virtio-disk0-format", 0x77, 65536);
		}
	}

	/**
	 * Starts {@code qemu-nbd} serving {@code image} and waits for its socket (or its
	 * death).
	 */
	static Process qemuNbd(Path image, Path log, String... listen) throws Exception {
		List<String> command = new ArrayList<>(
				List.of("qemu-nbd", "--persistent", "--shared=4", "--format=raw", "--export-name=exp"));
		command.addAll(List.of(listen));
		command.add(image.toString());
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
	}

	static void awaitListening(Process server, BooleanSupplier ready, Path log) {
		// ends as soon as the server listens, or fails at once with its log when it has
		// died
		org.awaitility.Awaitility.await("qemu-nbd listening")
			.atMost(Duration.ofSeconds(20))
			.pollInterval(Duration.ofMillis(20))
			.until(() -> {
				assertThat(server.isAlive()).as(() -> "qemu-nbd ended: " + read(log)).isTrue();
				return ready.getAsBoolean();
			});
	}

	static String read(Path log) {
		try {
			return Files.readString(log);
		}
		catch (IOException ex) {
			return ex.toString();
		}
	}

	static boolean connects(int port) {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	@Test
	void nbdDisksOverTcpAndUnixSocketsReadTheServedImages() throws Exception {
		Path overTcp = image(this.root, "tcp.raw", 0x3c, 1 << 20);
		Path overUnix = image(this.root, "unix.raw", 0x4d, 1 << 20);
		int port;
		try (ServerSocket free = new ServerSocket(0)) {
			port = free.getLocalPort();
		}
		Path socket = this.root.resolve("nbd.sock");
		Process tcp = qemuNbd(overTcp, this.root.resolve("nbd-tcp.log"), "--bind=127.0.0.1", "--port=" + port);
		Process unix = qemuNbd(overUnix, this.root.resolve("nbd-unix.log"), "--socket=" + socket);
		try {
			final int tcpPort = port;
			awaitListening(tcp, () -> connects(tcpPort), this.root.resolve("nbd-tcp.log"));
			awaitListening(unix, () -> Files.exists(socket), this.root.resolve("nbd-unix.log"));
			String xml = domain("<name>nbd</name><memory unit='MiB'>64</memory><os><type machine='q35'>hvm</type></os>"
					+ "<devices><disk type='network' device='disk'><driver name='qemu' type='raw'/>"
					+ "<source protocol='nbd' name='exp'><host name='127.0.0.1' port='" + port + "'/></source>"
					+ "<target dev='vda' bus='virtio'/></disk>"
					+ "<disk type='network' device='disk'><driver name='qemu' type='raw'/>"
					+ "<source protocol='nbd' name='exp'><host transport='unix' socket='" + socket + "'/></source>"
					+ "<target dev='vdb' bus='virtio'/></disk></devices>");
			try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
				Map<String, String> drivers = new HashMap<>();
				qemu.qmp("query-named-block-nodes")
					.forEach((node) -> drivers.put(node.get("node-name").asString(), node.get("drv").asString()));
				assertThat(drivers).containsEntry("virtio-disk0-storage", "nbd")
					.containsEntry("virtio-disk1-storage", "nbd");
				assertPattern(qemu, "virtio-disk0-format", 0x3c, 1 << 20);
				assertPattern(qemu, "virtio-disk1-format", 0x4d, 1 << 20);
			}
		}
		finally {
			tcp.destroy();
			unix.destroy();
			tcp.waitFor();
			unix.waitFor();
		}
	}

	@Test
	void anHttpDiskIsReadThroughTheCurlDriver() throws Exception {
		byte[] image = new byte[1 << 20];
		Arrays.fill(image, (byte) 0x6e);
		com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer
			.create(new InetSocketAddress("127.0.0.1", 0), 0);
		List<String> ranges = Collections.synchronizedList(new ArrayList<>());
		server.createContext("/images/disk.raw", (exchange) -> RangeServer.serve(exchange, image, ranges));
		server.start();
		try {
			int port = server.getAddress().getPort();
			String xml = domain("<name>http</name><memory unit='MiB'>64</memory><os><type machine='q35'>hvm</type></os>"
					+ "<devices><disk type='network' device='disk'><driver name='qemu' type='raw'/>"
					+ "<source protocol='http' name='/images/disk.raw'><host name='127.0.0.1' port='" + port + "'/>"
					+ "</source><target dev='vda' bus='virtio'/><readonly/></disk></devices>");
			try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
				JsonNode block = qemu.qmp("query-block").get(0);
				assertThat(block.get("inserted").get("image").get("filename").asString())
					.isEqualTo("http://127.0.0.1:" + port + "/images/disk.raw");
				assertThat(block.get("inserted").get("ro").asBoolean()).isTrue();
				assertPattern(qemu, "virtio-disk0-format", 0x6e, 1 << 20);
				assertThat(ranges).isNotEmpty();
			}
		}
		finally {
			server.stop(0);
		}
	}

	@Test
	void floppiesOnI440fxAndOnQ35ThroughAnIsaController() throws Exception {
		Path floppy = image(this.root, "floppy.img", 0x2f, 1474560);
		for (String machine : List.of("pc", "q35")) {
			String xml = domain("<name>floppy-" + machine + "</name><memory unit='MiB'>64</memory><os><type machine='"
					+ machine + "'>hvm</type><boot dev='fd'/></os><devices><disk type='file' device='floppy'>"
					+ "<driver name='qemu' type='raw'/><source file='" + floppy
					+ "'/><target dev='fda' bus='fdc'/></disk>"
					+ "<disk type='file' device='floppy'><target dev='fdb' bus='fdc'/></disk></devices>");
			try (RealQemu qemu = RealQemu.start(xml, this.root.resolve(machine), Accel.TCG)) {
				assertThat(qemu.device("fdc0-0-0", "type").asString()).isEqualTo("floppy");
				assertThat(qemu.device("fdc0-0-1", "unit").asInt()).isEqualTo(1);
				if (machine.equals("q35")) {
					assertThat(qemu.device("fdc0", "type").asString()).isEqualTo("isa-fdc");
				}
				JsonNode blocks = qemu.qmp("query-block");
				assertThat(blocks.valueStream()
					.filter((block) -> block.get("qdev").asString().endsWith("fdc0-0-0"))
					.findFirst()
					.orElseThrow()
					.get("inserted")
					.get("image")
					.get("virtual-size")
					.asLong()).isEqualTo(1474560);
				assertPattern(qemu, "fdc0-0-0-format", 0x2f, 1474560);
			}
		}
	}

	@Test
	void aVirtioScsiControllerRunsItsQueuesInItsIothread() throws Exception {
		String xml = domain("<name>iothread</name><memory unit='MiB'>64</memory><iothreads>2</iothreads>"
				+ "<os><type machine='q35'>hvm</type></os><devices><controller type='scsi' index='0' model='virtio-scsi'>"
				+ "<driver queues='3' iothread='2' cmd_per_lun='16' max_sectors='1024'/></controller></devices>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			assertThat(qemu.qmp("query-iothreads").valueStream().map((thread) -> thread.get("id").asString()))
				.containsExactlyInAnyOrder("iothread1", "iothread2");
			assertThat(qemu.device("scsi0", "num_queues").asInt()).isEqualTo(3);
			assertThat(qemu.device("scsi0", "cmd_per_lun").asInt()).isEqualTo(16);
			assertThat(qemu.device("scsi0", "max_sectors").asInt()).isEqualTo(1024);
			assertThat(qemu.device("scsi0", "iothread").asString()).isEqualTo("/objects/iothread2");
		}
	}

	static long freeHugePages() throws IOException {
		return Long
			.parseLong(Files.readString(Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages")).trim());
	}

	/**
	 * dev/setup reserves 2 MiB pages and mounts a hugetlbfs (dev/check-host says so when
	 * they are missing).
	 */
	@Test
	void hugePagesHoldTheGuestsMemory() throws Exception {
		String xml = domain("<name>huge</name><memory unit='MiB'>32</memory><memoryBacking><hugepages>"
				+ "<page size='2048' unit='KiB'/></hugepages></memoryBacking><os><type machine='q35'>hvm</type></os>");
		long before = freeHugePages();
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			assertThat(qemu.qomGet("/objects/pc.ram", "mem-path").asString()).startsWith("/");
			assertThat(qemu.qomGet("/objects/pc.ram", "prealloc").asBoolean()).isTrue();
			assertThat(qemu.qmp("query-memdev").get(0).get("size").asLong()).isEqualTo(32L << 20);
			// allocated up front: 16 pages of the pool are QEMU's now
			assertThat(freeHugePages()).isLessThanOrEqualTo(before - 16);
		}
		String tooMuch = xml.replace("<memory unit='MiB'>32</memory>", "<memory unit='GiB'>64</memory>");
		org.assertj.core.api.Assertions.assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> RealQemu.start(tooMuch, this.root, Accel.TCG))
			.withMessageContaining("needs 32768 huge pages of 2048 KiB");
	}

	@Test
	void usbDisksAreUsbStorageDevicesOnTheXhciPortsTheirAddressesName() throws Exception {
		Path a = Files.write(this.root.resolve("a.img"), new byte[1 << 20]);
		Path b = Files.write(this.root.resolve("b.img"), new byte[1 << 20]);
		String xml = domain("<name>usbdisk</name><memory unit='MiB'>64</memory><os><type machine='q35'>hvm</type></os>"
				+ "<devices><controller type='usb' model='qemu-xhci' ports='6'/><input type='tablet' bus='usb'/>"
				+ "<disk><source file='" + a + "'/><target dev='sda' bus='usb'/><serial>USBA</serial></disk>"
				+ "<disk><source file='" + b + "'/><target dev='sdb' bus='usb'/><readonly/>"
				+ "<address type='usb' bus='0' port='5'/></disk></devices>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			assertThat(qemu.device("usb-disk0", "type").asString()).isEqualTo("usb-storage");
			assertThat(qemu.device("usb-disk0", "port").asString()).isEqualTo("1");
			assertThat(qemu.device("usb-disk0", "serial").asString()).isEqualTo("USBA");
			assertThat(qemu.device("usb-disk1", "port").asString()).isEqualTo("5");
			// the tablet comes after the disks on the command line: the next free port
			assertThat(qemu.device("input0", "port").asString()).isEqualTo("2");
			// QMP names the disk behind usb-storage's own SCSI bus
			Map<String, JsonNode> blocks = new HashMap<>();
			qemu.qmp("query-block")
				.forEach((block) -> blocks.put(block.path("qdev").asString("").split("/")[3], block.get("inserted")));
			assertThat(blocks.get("usb-disk0").get("file").asString()).isEqualTo(a.toString());
			assertThat(blocks.get("usb-disk1").get("ro").asBoolean()).isTrue();
		}
	}

	@Test
	void aVirtioDiskRunsInTheIothreadItsDriverNames() throws Exception {
		Path a = Files.write(this.root.resolve("a.img"), new byte[1 << 20]);
		String xml = domain("<name>diskthread</name><memory unit='MiB'>64</memory><iothreads>2</iothreads>"
				+ "<os><type machine='q35'>hvm</type></os><devices><disk><driver name='qemu' type='raw' iothread='2'/>"
				+ "<source file='" + a + "'/><target dev='vda'/></disk></devices>");
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			assertThat(qemu.device("virtio-disk0", "iothread").asString()).isEqualTo("/objects/iothread2");
		}
	}

	/**
	 * The 2 MiB pages dev/setup reserves hold node 1 only; node 0 stays in normal RAM.
	 */
	@Test
	void hugePagesOfANodesetHoldThoseNumaNodesOnly() throws Exception {
		String xml = domain("<name>hugenode</name><memoryBacking><hugepages><page size='2048' unit='KiB' "
				+ "nodeset='1'/></hugepages></memoryBacking><vcpu>2</vcpu><os><type machine='q35'>hvm</type></os>"
				+ "<cpu><numa><cell id='0' cpus='0' memory='16' unit='MiB'/><cell id='1' cpus='1' memory='16' "
				+ "unit='MiB'/></numa></cpu>");
		long before = freeHugePages();
		try (RealQemu qemu = RealQemu.start(xml, this.root, Accel.TCG)) {
			assertThat(qemu.qomGet("/objects/ram-node0", "type").asString()).isEqualTo("memory-backend-ram");
			assertThat(qemu.qomGet("/objects/ram-node1", "type").asString()).isEqualTo("memory-backend-file");
			assertThat(qemu.qomGet("/objects/ram-node1", "mem-path").asString()).startsWith("/");
			// 16 MiB of node 1 in 2 MiB pages, allocated up front
			assertThat(freeHugePages()).isLessThanOrEqualTo(before - 8);
		}
	}

}
