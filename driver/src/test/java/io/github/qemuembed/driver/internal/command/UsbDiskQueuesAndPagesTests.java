package io.github.qemuembed.driver.internal.command;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.ConfigurationException;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.xml.DeviceAddress;
import io.github.qemuembed.driver.internal.xml.Disk;
import io.github.qemuembed.driver.internal.xml.DiskBus;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.DriveAddress;
import io.github.qemuembed.driver.internal.xml.MemoryBacking;
import io.github.qemuembed.driver.internal.xml.InputBus;
import io.github.qemuembed.driver.internal.xml.UsbAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The XML and argv of issue 15's USB disks and drive addresses, and of issue 13's disk
 * iothreads, per-node huge pages and multi-queue bridge NICs (pure: no QEMU; the real
 * starts are in RealQemuXmlElementTests and the corpus tests).
 */
class UsbDiskQueuesAndPagesTests {

	static DomainDefinition parse(String top, String devices) {
		return DomainXml.parse("<domain type='kvm'><name>t</name><memory unit='MiB'>64</memory>" + top
				+ "<os><type machine='q35'>hvm</type></os><devices>" + devices + "</devices></domain>");
	}

	static QemuCommand build(DomainDefinition def) {
		return QemuCommandBuilder.build(def, TestCapabilities.qemu72(), GoldenArgvTests.context(def));
	}

	static String usbDisk(String target, String extra) {
		return "<disk><source file='/i/" + target + "'/><target dev='" + target + "' bus='usb'/>" + extra + "</disk>";
	}

	@Test
	void aUsbDiskIsUsbStorageOnTheFirstFreePortOfTheController() {
		DomainDefinition def = parse("", "<input type='tablet' bus='usb'><address type='usb' bus='0' port='1'/></input>"
				+ usbDisk("sda", "") + usbDisk("sdb", "<address type='usb' bus='0' port='3'/>") + usbDisk("sdc", ""));
		QemuCommand command = build(def);
		List<Disk> disks = command.definition().devices().disks();
		assertThat(disks).extracting(Disk::address)
			.containsExactly(Optional.of(new UsbAddress(0, "2")), Optional.of(new UsbAddress(0, "3")),
					Optional.of(new UsbAddress(0, "4")));
		assertThat(command.argv()).contains(
				"{\"driver\":\"usb-storage\",\"bus\":\"usb.0\",\"port\":\"2\",\"drive\":\"usb-disk0-format\","
						+ "\"id\":\"usb-disk0\"}",
				"{\"driver\":\"usb-storage\",\"bus\":\"usb.0\",\"port\":\"4\",\"drive\":\"usb-disk2-format\","
						+ "\"id\":\"usb-disk2\"}");
		assertThat(QemuCommandBuilder.diskDeviceId(disks.get(1))).isEqualTo("usb-disk1");
		// written back and read again, the same disks on the same ports
		DomainDefinition reparsed = DomainXml.parse(DomainXml.write(command.definition(), true));
		assertThat(reparsed.devices().disks()).isEqualTo(disks);
		assertThat(reparsed.devices().disks().get(0).bus()).isEqualTo(DiskBus.USB);
	}

	@Test
	void aUsbDiskWithoutAUsbControllerNamesWhatToAdd() {
		// refused when read (validate says so): addresses are assigned there too
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> parse("", "<controller type='usb' model='none'/>" + usbDisk("sda", "")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/target/@bus"))
			.withMessageContaining("<controller type='usb' model='qemu-xhci'/>");
	}

	@Test
	void aFullUsbControllerSaysHowToGetMorePorts() {
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> parse("",
					"<controller type='usb' model='qemu-xhci' ports='2'/>" + usbDisk("sda", "") + usbDisk("sdb", "")
							+ usbDisk("sdc", "")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[3]"))
			.withMessageContaining("has 2 ports, all taken; give it more with ports='15'");
	}

	@Test
	void aUsbPortTheControllerDoesNotHaveOrThatIsTakenTwiceIsRefused() {
		String xhci2 = "<controller type='usb' model='qemu-xhci' ports='2'/>";
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> parse("", xhci2 + usbDisk("sda", "<address type='usb' bus='0' port='3'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/address/@port"))
			.withMessageContaining("USB port 3 does not exist: the qemu-xhci controller has 2 ports")
			.withMessageContaining("ports='15'");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> parse("",
					xhci2 + usbDisk("sda", "<address type='usb' bus='0' port='2'/>")
							+ "<input type='tablet' bus='usb'><address type='usb' bus='0' port='2'/></input>"))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/input[1]/address/@port"))
			.withMessageContaining(
					"USB port 2 is taken twice: by /domain/devices/disk[1] and by /domain/devices/input[1]");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> parse("", usbDisk("sda", "<address type='usb' bus='0' port='1.2'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/address/@port"))
			.withMessageContaining("behind a hub");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> parse("",
					"<controller type='usb' model='none'/>" + usbDisk("sda", "<address type='usb' bus='0' port='1'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/address/@port"))
			.withMessageContaining("needs a USB controller");
		// the last port, given, is fine; the next device without an address gets the
		// other
		DomainDefinition def = parse("",
				xhci2 + usbDisk("sda", "<address type='usb' bus='0' port='2'/>") + "<input type='tablet' bus='usb'/>");
		assertThat(build(def).definition().devices().inputs().stream().filter((input) -> input.bus() == InputBus.USB))
			.singleElement()
			.satisfies((tablet) -> assertThat(tablet.address()).contains(new UsbAddress(0, "1")));
	}

	@Test
	void aUsbCdromOrAUsbDiskWithADriveAddressIsRefused() {
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> parse("", "<disk device='cdrom'><target dev='sda' bus='usb'/></disk>"))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/target/@bus"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> parse("", usbDisk("sda", "<address type='drive' unit='1'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/address/@type"));
	}

	@Test
	void driveDisksGetTheDriveAddressTheirTargetStandsFor() {
		DomainDefinition def = parse("", "<disk><source file='/i/a'/><target dev='sdc' bus='scsi'/></disk>"
				+ "<disk><source file='/i/b'/><target dev='sdb' bus='sata'/></disk>");
		List<Optional<DeviceAddress>> addresses = build(def).definition()
			.devices()
			.disks()
			.stream()
			.map(Disk::address)
			.toList();
		assertThat(addresses).containsExactly(Optional.of(new DriveAddress(0, 0, 0, 2)),
				Optional.of(new DriveAddress(0, 0, 0, 1)));
	}

	@Test
	void aVirtioDiskRunsInItsIothread() {
		DomainDefinition def = parse("<iothreads>2</iothreads>",
				"<disk><driver name='qemu' type='raw' iothread='2'/><source file='/i/a'/><target dev='vda'/></disk>");
		assertThat(DomainXml.parse(DomainXml.write(def, true))).isEqualTo(def);
		assertThat(build(def).argv()).anyMatch((arg) -> arg.startsWith("{\"driver\":\"virtio-blk-pci\"")
				&& arg.contains("\"iothread\":\"iothread2\""));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> parse("<iothreads>1</iothreads>",
					"<disk><driver name='qemu' iothread='2'/><source file='/i/a'/><target dev='vda'/></disk>"))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/driver/@iothread"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> parse("<iothreads>1</iothreads>",
					"<disk><driver name='qemu' iothread='1'/><source file='/i/a'/><target dev='sda' bus='scsi'/>"
							+ "</disk>"))
			.withMessageContaining("<controller type='scsi' model='virtio-scsi'><driver iothread='N'/>");
	}

	static String numa(String pages) {
		return "<memoryBacking><hugepages>" + pages + "</hugepages></memoryBacking><vcpu>2</vcpu><cpu><numa>"
				+ "<cell id='0' cpus='0' memory='32' unit='MiB'/><cell id='1' cpus='1' memory='32' unit='MiB'/>"
				+ "</numa></cpu>";
	}

	@Test
	void hugePagesPerNodesetAsLibvirtPicksThem() {
		MemoryBacking some = parse(numa("<page size='2' unit='MiB' nodeset='1'/>"), "").memoryBacking().get();
		assertThat(some.pageKiBFor(0)).isEmpty();
		assertThat(some.pageKiBFor(1)).contains(2048L);
		MemoryBacking rest = parse(numa("<page size='1' unit='GiB'/><page size='2048' nodeset='0'/>"), "")
			.memoryBacking()
			.get();
		assertThat(rest.pageKiBFor(0)).contains(2048L);
		assertThat(rest.pageKiBFor(1)).contains(1048576L);
		assertThat(parse("<memoryBacking><hugepages/></memoryBacking>", "").memoryBacking().get().pageKiBFor(0))
			.contains(0L);
		List<String> argv = build(parse(numa("<page size='2048' nodeset='1'/>"), "")).argv();
		assertThat(argv).contains(
				"{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node0\",\"size\":33554432,\"share\":false}",
				"{\"qom-type\":\"memory-backend-file\",\"id\":\"ram-node1\",\"mem-path\":\"/dev/hugepages\","
						+ "\"prealloc\":true,\"size\":33554432,\"share\":false}");
		DomainDefinition def = parse(numa("<page size='2048' nodeset='0-1'/>"), "");
		assertThat(DomainXml.parse(DomainXml.write(def, true))).isEqualTo(def);
	}

	@Test
	void aNodesetMustNameExistingNodesOnce() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> parse(
					"<memoryBacking><hugepages><page size='2048' nodeset='1'/></hugepages>" + "</memoryBacking>", ""))
			.withMessageContaining("without <cpu><numa> cells the guest has node 0 only");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> parse(numa("<page size='2048' nodeset='0-1'/><page size='1' unit='G' nodeset='1'/>"), ""))
			.satisfies((ex) -> assertThat(ex.path()).endsWith("/@nodeset"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> parse(numa("<page size='2048'/><page size='1' unit='G'/>"), ""))
			.withMessageContaining("only one <page> may go without a nodeset");
		// node 0 of a guest without cells is all its memory
		assertThat(build(
				parse("<memoryBacking><hugepages><page size='2048' nodeset='0'/></hugepages>" + "</memoryBacking>", ""))
			.argv()).anyMatch((arg) -> arg.contains("\"mem-path\":\"/dev/hugepages\""));
	}

	static String bridgeNic(String inside) {
		return "<interface type='bridge'><source bridge='br0'/><model type='virtio'/>" + inside + "</interface>";
	}

	@Test
	void aMultiQueueBridgeNicNeedsTheTapTheDriverCreatesAsRoot() {
		DomainDefinition withoutTap = parse("", bridgeNic("<driver queues='4'/>"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class).isThrownBy(() -> build(withoutTap))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/interface[1]/driver"))
			.withMessageContaining("run the driver as root");
		DomainDefinition withTap = parse("", bridgeNic("<target dev='qetap7'/><driver name='vhost' queues='4'/>"));
		assertThat(build(withTap).argv())
			.contains("{\"type\":\"tap\",\"ifname\":\"qetap7\",\"script\":\"no\",\"downscript\":\"no\",\"queues\":4,"
					+ "\"vhost\":true,\"id\":\"hostnet0\"}")
			.anyMatch((arg) -> arg.contains("\"mq\":true,\"vectors\":10"));
		assertThat(DomainXml.parse(DomainXml.write(withTap, true))).isEqualTo(withTap);
	}

	@Test
	void userNetworkingTakesNoQueuesNorVhost() {
		for (String driver : List.of("<driver queues='2'/>", "<driver name='vhost'/>")) {
			assertThatExceptionOfType(UnsupportedConfigurationException.class)
				.isThrownBy(() -> parse("", "<interface type='user'>" + driver + "</interface>"))
				.withMessageContaining("has no host tap");
		}
		assertThatExceptionOfType(ConfigurationException.class)
			.isThrownBy(() -> parse("", bridgeNic("<driver name='kernel'/>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/interface[1]/driver/@name"));
		assertThat(build(parse("", "<interface type='ethernet'><target dev='t0'/><driver name='qemu'/></interface>"))
			.argv()).anyMatch((arg) -> arg.contains("\"vhost\":false"));
	}

}
