package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.internal.command.RealQemu.PciFunction;
import io.github.qemuembed.driver.qmp.QmpExecuteError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Device elements proven on a real QEMU started paused with the builder's argv, checked
 * over QMP ({@code query-block}, {@code query-pci}, {@code query-chardev},
 * {@code query-rx-filter}, {@code query-vnc}, {@code query-mice}, {@code query-balloon},
 * {@code qom-get}).
 */
class RealQemuDeviceTests {

	@TempDir
	Path root;

	static String domain(String type, String machine, String devices) {
		return "<domain type='" + type + "'><name>dev</name><memory unit='MiB'>64</memory><os><type machine='" + machine
				+ "'>hvm</type></os><devices>" + devices + "</devices></domain>";
	}

	RealQemu start(String machine, String devices) throws IOException {
		return RealQemu.start(domain("kvm", machine, devices), this.root, RealQemu.guestlessAccel());
	}

	Path image(String name, String format, String size, String... options) throws Exception {
		Path file = this.root.resolve(name);
		List<String> command = new ArrayList<>(List.of("qemu-img", "create", "-q"));
		command.addAll(List.of(options));
		command.addAll(List.of("-f", format, file.toString(), size));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(output).isZero();
		return file;
	}

	/** A gzipped fixture from the test resources, unpacked into the root. */
	Path fixture(String resource, String name) throws Exception {
		Path file = this.root.resolve(name);
		try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of("src/test/resources", resource)))) {
			Files.copy(in, file);
		}
		return file;
	}

	static Map<String, JsonNode> blockByDevice(RealQemu qemu) {
		Map<String, JsonNode> byId = new HashMap<>();
		for (JsonNode block : qemu.qmp("query-block")) {
			String qdev = block.has("qdev") ? block.get("qdev").asString() : "";
			String id = qdev.replaceFirst("^/machine/peripheral/", "").replaceFirst("/virtio-backend$", "");
			byId.put(id, block);
		}
		return byId;
	}

	static Map<String, String> chardevs(RealQemu qemu) {
		Map<String, String> byLabel = new HashMap<>();
		qemu.qmp("query-chardev").forEach((c) -> byLabel.put(c.get("label").asString(), c.get("filename").asString()));
		return byLabel;
	}

	@Test
	void virtioDisksWithFormatCacheSerialBootOrderReadonlyShareableAndGivenAddress() throws Exception {
		Path qcow2 = image("root.qcow2", "qcow2", "16M");
		Path raw = image("data.img", "raw", "8M");
		String devices = "<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none' discard='unmap'/>"
				+ "<source file='" + qcow2 + "'/><target dev='vda' bus='virtio'/><serial>ROOT-1</serial>"
				+ "<boot order='1'/></disk>"
				+ "<disk type='file' device='disk'><driver name='qemu' type='raw' cache='writethrough'/>"
				+ "<source file='" + raw + "'/><target dev='vdb' bus='virtio'/><readonly/><shareable/>"
				+ "<address type='pci' domain='0x0000' bus='0x00' slot='0x0a' function='0x0'/></disk>";
		try (RealQemu qemu = start("pc", devices)) {
			Map<String, JsonNode> blocks = blockByDevice(qemu);
			JsonNode root = blocks.get("virtio-disk0").get("inserted");
			assertThat(root.get("drv").asString()).isEqualTo("qcow2");
			assertThat(root.get("file").asString()).isEqualTo(qcow2.toString());
			assertThat(root.get("ro").asBoolean()).isFalse();
			assertThat(root.get("cache").get("direct").asBoolean()).isTrue();
			assertThat(root.get("cache").get("no-flush").asBoolean()).isFalse();
			assertThat(qemu.device("virtio-disk0", "serial").asString()).isEqualTo("ROOT-1");
			assertThat(qemu.device("virtio-disk0", "bootindex").asInt()).isEqualTo(1);
			JsonNode data = blocks.get("virtio-disk1").get("inserted");
			assertThat(data.get("drv").asString()).isEqualTo("raw");
			assertThat(data.get("ro").asBoolean()).isTrue();
			assertThat(data.get("cache").get("writeback").asBoolean()).isFalse();
			assertThat(qemu.device("virtio-disk1", "share-rw").asBoolean()).isTrue();
			PciFunction disk1 = qemu.pci("virtio-disk1");
			assertThat(disk1.slot()).isEqualTo(0x0a);
			assertThat(disk1.bus()).isEqualTo("pci.0");
			assertThat(disk1.type()).isEqualTo("virtio-blk-pci");
			assertThat(qemu.pci("virtio-disk0").slot()).isEqualTo(2);
		}
	}

	@Test
	void sataScsiAndCdromsOnQ35() throws Exception {
		Path iso = image("boot.iso", "raw", "1M");
		Path scsi = image("scsi.qcow2", "qcow2", "8M");
		String devices = "<disk type='file' device='cdrom'><source file='" + iso
				+ "'/><target dev='sda' bus='sata'/></disk>"
				+ "<disk type='file' device='cdrom'><target dev='sdb' bus='sata'/></disk>"
				+ "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='" + scsi + "'/>"
				+ "<target dev='sdc' bus='scsi'/></disk>" + "<disk type='file' device='cdrom'><source file='" + iso
				+ "'/><target dev='sdd' bus='scsi'/>"
				+ "<address type='drive' controller='0' bus='0' target='2' unit='0'/></disk>";
		try (RealQemu qemu = start("q35", devices)) {
			Map<String, JsonNode> blocks = blockByDevice(qemu);
			assertThat(blocks.get("sata0-0-0").get("removable").asBoolean()).isTrue();
			assertThat(blocks.get("sata0-0-0").get("inserted").get("file").asString()).isEqualTo(iso.toString());
			assertThat(blocks.get("sata0-0-0").get("inserted").get("ro").asBoolean()).isTrue();
			assertThat(blocks.get("sata0-0-1").has("inserted")).isFalse();
			assertThat(blocks.get("scsi0-0-0-2").get("inserted").get("drv").asString()).isEqualTo("qcow2");
			assertThat(blocks.get("scsi0-0-2-0").get("removable").asBoolean()).isTrue();
			assertThat(qemu.device("scsi0-0-2-0", "scsi-id").asInt()).isEqualTo(2);
			assertThat(qemu.device("scsi0-0-0-2", "lun").asInt()).isEqualTo(2);
			assertThat(qemu.device("sata0-0-1", "type").asString()).isEqualTo("ide-cd");
			PciFunction controller = qemu.pci("scsi0");
			assertThat(controller.bus()).startsWith("pci.");
			assertThat(controller.type()).isEqualTo("virtio-scsi-pci");
		}
	}

	@Test
	void ideAndAhciOnI440fx() throws Exception {
		Path disk = image("ide.img", "raw", "4M");
		Path sata = image("sata.img", "raw", "4M");
		String devices = "<disk type='file' device='disk'><source file='" + disk
				+ "'/><target dev='hda' bus='ide'/></disk>"
				+ "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/></disk>"
				+ "<disk type='file' device='disk'><source file='" + sata + "'/><target dev='sda' bus='sata'/>"
				+ "<shareable/></disk>";
		try (RealQemu qemu = start("pc", devices)) {
			Map<String, JsonNode> blocks = blockByDevice(qemu);
			assertThat(blocks.get("ide0-0-0").get("inserted").get("file").asString()).isEqualTo(disk.toString());
			assertThat(blocks.get("ide0-1-0").get("removable").asBoolean()).isTrue();
			assertThat(blocks.get("sata0-0-0").get("inserted").get("ro").asBoolean()).isFalse();
			assertThat(qemu.device("sata0-0-0", "share-rw").asBoolean()).isTrue();
			assertThat(qemu.pci("sata0").type()).isEqualTo("ich9-ahci");
			assertThat(qemu.pci("sata0").slot()).isEqualTo(2);
		}
	}

	@Test
	void blockDeviceDisk() throws Exception {
		Path backing = image("loop.img", "raw", "8M");
		Process losetup = new ProcessBuilder("losetup", "--find", "--show", backing.toString()).start();
		String loop = new String(losetup.getInputStream().readAllBytes()).trim();
		assertThat(losetup.waitFor() == 0 && loop.startsWith("/dev/loop")).as("a loop device (the tests run as root)")
			.isTrue();
		try {
			String devices = "<disk type='block' device='disk'><driver name='qemu' type='raw' cache='directsync'/>"
					+ "<source dev='" + loop + "'/><target dev='vda' bus='virtio'/></disk>";
			try (RealQemu qemu = start("q35", devices)) {
				JsonNode inserted = blockByDevice(qemu).get("virtio-disk0").get("inserted");
				assertThat(inserted.get("file").asString()).isEqualTo(loop);
				assertThat(inserted.get("cache").get("direct").asBoolean()).isTrue();
				assertThat(qemu.device("virtio-disk0", "write-cache").asString()).isEqualTo("off");
			}
		}
		finally {
			new ProcessBuilder("losetup", "-d", loop).start().waitFor();
		}
	}

	@Test
	void volumeDiskAndLuksEncryptionFromSecretFiles() throws Exception {
		UUID secret = UUID.randomUUID();
		Path secretFile = this.root.resolve("secret.key");
		Files.writeString(secretFile, "correct horse"); // the fixtures' passphrase
		Files.setPosixFilePermissions(secretFile, PosixFilePermissions.fromString("rw-------"));
		// committed fixtures (see src/test/resources/luks): made with a short iteration
		// time, on any CPU
		Path luksQcow2 = fixture("luks/vol.qcow2.gz", "vol.qcow2");
		Path luksRaw = fixture("luks/raw.luks.gz", "raw.luks");
		String devices = "<disk type='volume' device='disk'><driver name='qemu' type='qcow2'/>"
				+ "<source pool='default' volume='vol.qcow2'/><target dev='vda' bus='virtio'/>"
				+ "<encryption format='luks'><secret type='passphrase' uuid='" + secret + "'/></encryption></disk>"
				+ "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='" + luksRaw + "'/>"
				+ "<target dev='vdb' bus='virtio'/><encryption format='luks'><secret type='passphrase' uuid='" + secret
				+ "'/></encryption></disk>";
		try (RealQemu qemu = RealQemu.start(domain("kvm", "q35", devices), this.root, RealQemu.guestlessAccel(),
				(ctx) -> ctx.withVolume("default", "vol.qcow2", luksQcow2).withSecretFile(secret, secretFile))) {
			Map<String, JsonNode> blocks = blockByDevice(qemu);
			JsonNode volume = blocks.get("virtio-disk0").get("inserted");
			assertThat(volume.get("encrypted").asBoolean()).isTrue();
			assertThat(volume.get("file").asString()).contains(luksQcow2.toString());
			JsonNode raw = blocks.get("virtio-disk1").get("inserted");
			assertThat(raw.get("drv").asString()).isEqualTo("luks");
			assertThat(raw.get("encrypted").asBoolean()).isTrue();
			assertThat(String.join(" ", qemu.command().argv())).doesNotContain("correct horse");
		}
	}

	@Test
	void controllersWithGivenRootPortsAndImplicitOnes() throws Exception {
		String devices = "<controller type='pci' index='0' model='pcie-root'/>"
				+ "<controller type='pci' index='1' model='pcie-root-port'><model name='pcie-root-port'/>"
				+ "<target chassis='7' port='0x10'/><address type='pci' domain='0x0000' bus='0x00' slot='0x02'"
				+ " function='0x0' multifunction='on'/></controller>"
				+ "<controller type='pci' index='2' model='pcie-root-port'>"
				+ "<address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x1'/></controller>"
				+ "<controller type='usb' index='0' model='qemu-xhci'/>"
				+ "<controller type='scsi' index='0' model='virtio-scsi'>"
				+ "<address type='pci' domain='0x0000' bus='0x02' slot='0x00' function='0x0'/></controller>"
				+ "<controller type='virtio-serial' index='0'/><controller type='sata' index='0'/>";
		try (RealQemu qemu = start("q35", devices)) {
			assertThat(qemu.device("pci.1", "chassis").asInt()).isEqualTo(7);
			assertThat(qemu.device("pci.1", "port").asInt()).isEqualTo(0x10);
			PciFunction port2 = qemu.pci("pci.2");
			assertThat(port2.slot()).isEqualTo(2);
			assertThat(port2.function()).isEqualTo(1);
			assertThat(qemu.pci("scsi0").bus()).isEqualTo("pci.2");
			assertThat(qemu.pci("usb").type()).isEqualTo("qemu-xhci");
			assertThat(qemu.pci("usb").bus()).isEqualTo("pci.1");
			assertThat(qemu.pci("virtio-serial0").bus()).isEqualTo("pci.3");
			assertThat(qemu.pci("pci.3").slot()).isEqualTo(3);
		}
		try (RealQemu qemu = start("pc", "<controller type='usb' index='0' model='piix3-uhci'/>")) {
			assertThat(qemu.pci("usb").type()).isEqualTo("piix3-usb-uhci");
		}
		try (RealQemu qemu = start("pc", "<controller type='usb' index='0' model='nec-xhci'/>")) {
			assertThat(qemu.pci("usb").type()).isEqualTo("nec-usb-xhci");
		}
		try (RealQemu qemu = start("q35", "<controller type='usb' index='0' model='none'/>")) {
			assertThat(qemu.peripheralTypes()).noneMatch((type) -> type.contains("usb") || type.contains("xhci"));
			assertThat(qemu.qomGet("/machine", "usb").asBoolean()).isFalse();
		}
	}

	@Test
	void userInterfacesWithEveryModel() throws Exception {
		String devices = "<interface type='user'><mac address='52:54:00:12:34:56'/><model type='virtio'/></interface>"
				+ "<interface type='user'><mac address='52:54:00:12:34:57'/><model type='e1000'/></interface>"
				+ "<interface type='user'><mac address='52:54:00:12:34:58'/><model type='e1000e'/><boot order='2'/></interface>"
				+ "<interface type='user'><mac address='52:54:00:12:34:59'/><model type='rtl8139'/></interface>";
		try (RealQemu qemu = start("q35", devices)) {
			JsonNode filter = qemu.qmp("query-rx-filter", Map.of("name", "net0")).get(0);
			assertThat(filter.get("main-mac").asString()).isEqualTo("52:54:00:12:34:56");
			assertThat(qemu.pci("net0").type()).isEqualTo("virtio-net-pci");
			assertThat(qemu.pci("net0").bus()).startsWith("pci.");
			assertThat(qemu.pci("net1").type()).isEqualTo("e1000");
			assertThat(qemu.pci("net1").bus()).isEqualTo("pcie.0");
			assertThat(qemu.pci("net2").type()).isEqualTo("e1000e");
			assertThat(qemu.pci("net3").type()).isEqualTo("rtl8139");
			assertThat(qemu.device("net2", "mac").asString()).isEqualTo("52:54:00:12:34:58");
			assertThat(qemu.device("net2", "bootindex").asInt()).isEqualTo(2);
			String network = qemu.qmp("human-monitor-command", Map.of("command-line", "info network")).asString();
			assertThat(network).contains("hostnet0: index=0,type=user");
		}
	}

	@Test
	void bridgeNetworkAndEthernetInterfaces() throws Exception {
		assertThat(new ProcessBuilder("id", "-u").start().inputReader().readLine()).as("the tests run as root")
			.isEqualTo("0");
		String bridge = "qe-br0"; // allowed in /etc/qemu/bridge.conf for
									// qemu-bridge-helper
		boolean created = false;
		if (!Files.exists(Path.of("/sys/class/net/" + bridge))) {
			created = run("ip", "link", "add", bridge, "type", "bridge") == 0;
			assertThat(created).as("a bridge can be created").isTrue();
		}
		String tap = "qe-tap" + ProcessHandle.current().pid() % 10000;
		assertThat(run("ip", "tuntap", "add", tap, "mode", "tap")).as("a tap can be created").isZero();
		try {
			String devices = "<interface type='bridge'><source bridge='" + bridge
					+ "'/><model type='virtio'/></interface>"
					+ "<interface type='network'><source network='default'/><model type='virtio'/></interface>"
					+ "<interface type='ethernet'><target dev='" + tap + "'/><model type='virtio'/></interface>";
			try (RealQemu qemu = RealQemu.start(domain("kvm", "q35", devices), this.root, RealQemu.guestlessAccel(),
					(ctx) -> ctx.withBridge("default", bridge))) {
				String network = qemu.qmp("human-monitor-command", Map.of("command-line", "info network")).asString();
				assertThat(network).contains("hostnet0: index=0,type=tap,helper=")
					.contains("br=" + bridge)
					.contains("hostnet2: index=0,type=tap,ifname=" + tap);
				assertThat(network.split("br=" + bridge, -1)).hasSize(3);
				assertThat(Files.readString(Path.of("/sys/class/net/" + tap + "/operstate")).trim()).isNotEmpty();
			}
		}
		finally {
			run("ip", "link", "del", tap);
			if (created) {
				run("ip", "link", "del", bridge);
			}
		}
	}

	@Test
	void serialsAndConsoles() throws Exception {
		Path file = this.root.resolve("serial.txt");
		Path unix = this.root.resolve("s1.sock");
		int tcpPort = freePort();
		String devices = "<serial type='pty'><target port='0'/></serial>" + "<serial type='file'><source path='" + file
				+ "'/><target port='1'/></serial>" + "<serial type='unix'><source mode='bind' path='" + unix
				+ "'/><target port='2'/></serial>" + "<serial type='tcp'><source mode='bind' host='127.0.0.1' service='"
				+ tcpPort + "'/>" + "<protocol type='telnet'/><target port='3'/></serial>"
				+ "<console type='pty'><target type='serial' port='0'/></console>"
				+ "<console type='pty'><target type='virtio'/></console>";
		try (RealQemu qemu = start("q35", devices)) {
			Map<String, String> chardevs = chardevs(qemu);
			Path pty = qemu.command().serialSockets().get(0);
			assertThat(pty.getFileName().toString()).isEqualTo("serial0.sock");
			assertThat(chardevs.get("charserial0")).contains(pty.toString()).contains("server=on");
			assertThat(pty).exists();
			assertThat(chardevs.get("charserial1")).isEqualTo("file");
			assertThat(file).exists();
			assertThat(chardevs.get("charserial2")).contains(unix.toString());
			assertThat(chardevs.get("charserial3")).contains("telnet:127.0.0.1:" + tcpPort).contains("server=on");
			assertThat(qemu.device("serial0", "chardev").asString()).isEqualTo("charserial0");
			assertThat(qemu.device("serial3", "index").asInt()).isEqualTo(3);
			assertThat(qemu.device("console1", "type").asString()).isEqualTo("virtconsole");
			assertThat(qemu.command().serialSockets()).hasSize(2);
			List<String> peripherals = new ArrayList<>();
			qemu.qmp("qom-list", Map.of("path", "/machine/peripheral"))
				.forEach((child) -> peripherals.add(child.get("name").asString()));
			assertThat(peripherals).contains("serial0", "serial1", "serial2", "serial3").doesNotContain("serial4");
		}
		try (RealQemu qemu = start("pc", "<serial type='null'/><console type='null'/>")) {
			assertThat(chardevs(qemu).get("charserial0")).isEqualTo("null");
		}
	}

	@Test
	void guestAgentChannel() throws Exception {
		Path given = this.root.resolve("agent.sock");
		String devices = "<channel type='unix'><source mode='bind'/><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
				+ "<channel type='unix'><source mode='bind' path='" + given
				+ "'/><target type='virtio' name='com.example.app'/>"
				+ "<address type='virtio-serial' controller='0' bus='0' port='5'/></channel>";
		try (RealQemu qemu = start("q35", devices)) {
			assertThat(qemu.device("channel0", "name").asString()).isEqualTo("org.qemu.guest_agent.0");
			assertThat(qemu.device("channel1", "nr").asInt()).isEqualTo(5);
			Map<String, String> chardevs = chardevs(qemu);
			assertThat(chardevs.get("charchannel0")).contains("channel0.sock");
			assertThat(chardevs.get("charchannel1")).contains(given.toString());
			assertThat(given).exists();
		}
	}

	@Test
	void vncWithPasswordAndFixedPortOrNone() throws Exception {
		Path password = this.root.resolve("vnc.secret");
		Files.writeString(password, "s3cret");
		String devices = "<graphics type='vnc' autoport='yes' listen='127.0.0.1' passwd='s3cret'/>"
				+ "<video><model type='vga' vram='8192'/></video>";
		try (RealQemu qemu = RealQemu.start(domain("kvm", "q35", devices), this.root, RealQemu.guestlessAccel(),
				(ctx) -> ctx.withVncPasswordFile(password))) {
			JsonNode vnc = qemu.qmp("query-vnc");
			assertThat(vnc.get("enabled").asBoolean()).isTrue();
			assertThat(vnc.get("auth").asString()).isEqualTo("vnc");
			assertThat(vnc.get("host").asString()).isEqualTo("127.0.0.1");
			assertThat(vnc.get("service").asInt()).isBetween(5900, 5999);
			assertThat(String.join(" ", qemu.command().argv())).doesNotContain("s3cret");
			assertThat(qemu.device("video0", "vgamem_mb").asInt()).isEqualTo(8);
		}
		int port = freePort(5900, 5999);
		try (RealQemu qemu = start("pc", "<graphics type='vnc' port='" + port + "' autoport='no'/>")) {
			JsonNode vnc = qemu.qmp("query-vnc");
			assertThat(vnc.get("service").asInt()).isEqualTo(port);
			assertThat(vnc.get("auth").asString()).isEqualTo("none");
		}
		try (RealQemu qemu = start("pc", "<graphics type='none'/>")) {
			assertThat(qemu.qmp("query-vnc").get("enabled").asBoolean()).isFalse();
		}
	}

	@Test
	void videoModels() throws Exception {
		String devices = "<video><model type='cirrus' primary='yes'/></video>";
		try (RealQemu qemu = start("pc", devices)) {
			PciFunction video = qemu.pci("video0");
			assertThat(video.type()).isEqualTo("cirrus-vga");
			assertThat(video.slot()).isEqualTo(2);
		}
		devices = "<video><model type='virtio' heads='2'/></video><video><model type='virtio'/></video>";
		try (RealQemu qemu = start("q35", devices)) {
			assertThat(qemu.pci("video0").slot()).isEqualTo(1);
			assertThat(qemu.device("video0", "type").asString()).isEqualTo("virtio-vga");
			assertThat(qemu.device("video0", "max_outputs").asInt()).isEqualTo(2);
			assertThat(qemu.device("video1", "type").asString()).isEqualTo("virtio-gpu-pci");
		}
		try (RealQemu qemu = start("q35", "<video><model type='bochs' vram='16384'/></video>")) {
			assertThat(qemu.device("video0", "type").asString()).isEqualTo("bochs-display");
			assertThat(qemu.device("video0", "vgamem").asLong()).isEqualTo(16L << 20);
		}
		try (RealQemu qemu = start("q35", "<video><model type='none'/></video>")) {
			assertThat(qemu.peripheralTypes())
				.noneMatch((type) -> type.contains("vga") || type.contains("gpu") || type.contains("display"));
		}
	}

	@Test
	void inputs() throws Exception {
		String devices = "<input type='tablet' bus='usb'/><input type='mouse' bus='usb'><address type='usb' bus='0' port='3'/>"
				+ "</input><input type='keyboard' bus='usb'/><input type='tablet' bus='virtio'/>"
				+ "<input type='mouse' bus='ps2'/><input type='keyboard' bus='ps2'/>";
		try (RealQemu qemu = start("q35", devices)) {
			List<String> mice = new ArrayList<>();
			qemu.qmp("query-mice").forEach((mouse) -> mice.add(mouse.get("name").asString()));
			assertThat(mice).contains("QEMU HID Tablet", "QEMU HID Mouse", "QEMU Virtio Tablet", "QEMU PS/2 Mouse");
			assertThat(qemu.device("input1", "port").asString()).isEqualTo("3");
			assertThat(qemu.device("input2", "type").asString()).isEqualTo("usb-kbd");
			assertThat(qemu.pci("input3").type()).isEqualTo("virtio-tablet-pci");
			assertThat(qemu.command().definition().devices().controllers())
				.anyMatch((c) -> c.model().orElse("").equals("qemu-xhci"));
		}
	}

	@Test
	void rngBalloonAndWatchdogs() throws Exception {
		String devices = "<watchdog model='i6300esb' action='poweroff'/><memballoon model='virtio'/>"
				+ "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>";
		try (RealQemu qemu = start("q35", devices)) {
			assertThat(qemu.pci("watchdog0").type()).isEqualTo("i6300esb");
			assertThat(qemu.pci("watchdog0").bus()).isEqualTo("pcie.0");
			assertThat(qemu.pci("rng0").type()).isEqualTo("virtio-rng-pci");
			assertThat(qemu.qomGet("/objects/objrng0", "filename").asString()).isEqualTo("/dev/urandom");
			assertThat(qemu.qmp("query-balloon").get("actual").asLong()).isEqualTo(64L << 20);
			assertThat(qemu.pci("balloon0").bus()).startsWith("pci.");
		}
		try (RealQemu qemu = start("pc", "<watchdog model='ib700' action='reset'/><memballoon model='none'/>")) {
			assertThat(qemu.device("watchdog0", "type").asString()).isEqualTo("ib700");
			assertThatExceptionOfType(QmpExecuteError.class).isThrownBy(() -> qemu.qmp("query-balloon"))
				.withMessageContaining("balloon");
		}
	}

	@Test
	void panicDevicesAndThePanicActionThatKeepsQemu() throws Exception {
		String devices = "<panic model='isa'><address type='isa' iobase='0x506'/></panic><panic model='pvpanic'/>";
		try (RealQemu qemu = start("q35", devices)) {
			assertThat(qemu.peripheralTypes()).contains("pvpanic", "pvpanic-pci");
			assertThat(qemu.device("panic0", "type").asString()).isEqualTo("pvpanic");
			assertThat(qemu.device("panic0", "ioport").asInt()).isEqualTo(0x506);
			assertThat(qemu.pci("panic1").type()).isEqualTo("pvpanic-pci");
			assertThat(qemu.pci("panic1").bus()).isEqualTo("pcie.0");
			// what the guest kernel's pvpanic driver does on a panic: bit 0 to the port
			// (of a running VM)
			qemu.qmp("cont");
			qemu.qmp("human-monitor-command", Map.of("command-line", "o /b 0x506 1"));
			assertThat(qemu.qmp("query-status").get("status").asString()).isEqualTo("guest-panicked");
			// -action panic=pause: QEMU stays for on_crash to decide (its default would
			// power off and exit)
			assertThat(qemu.process().isAlive()).isTrue();
		}
		try (RealQemu qemu = start("pc", "<panic/>")) {
			assertThat(qemu.device("panic0", "type").asString()).isEqualTo("pvpanic");
			assertThat(qemu.device("panic0", "ioport").asInt()).isEqualTo(0x505);
		}
	}

	@Test
	void vsock() throws Exception {
		String vsock = "<vsock model='virtio'><cid auto='no' address='42'/></vsock>";
		if (Files.exists(Path.of("/dev/vhost-vsock"))) {
			try (RealQemu qemu = start("q35", vsock)) {
				assertThat(qemu.device("vsock0", "guest-cid").asLong()).isEqualTo(42);
			}
		}
		else {
			// a host without the vhost-vsock module (the Firecracker guests CI runs on):
			// QEMU accepts the device and
			// its properties as built, and fails only where it opens the host's
			// /dev/vhost-vsock
			assertThatIllegalStateException().isThrownBy(() -> start("q35", vsock).close())
				.withMessageContaining("vhost-vsock")
				.withMessageNotContaining("is not a valid device model")
				.withMessageNotContaining("Property");
		}
	}

	@Test
	void tcgAcceleratorIsHonoured() throws Exception {
		try (RealQemu qemu = RealQemu.start(domain("qemu", "q35", ""), this.root, Accel.TCG)) {
			assertThat(qemu.qmp("query-kvm").get("enabled").asBoolean()).isFalse();
		}
	}

	static int run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		process.getInputStream().readAllBytes();
		return process.waitFor();
	}

	static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	static int freePort(int from, int to) {
		for (int port = to; port >= from; port--) {
			try (ServerSocket socket = new ServerSocket(port)) {
				return port;
			}
			catch (IOException ex) {
				// taken
			}
		}
		throw new IllegalStateException("no free port in " + from + "-" + to);
	}

}
