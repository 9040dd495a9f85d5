package io.github.qemuembed.driver.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.qemuembed.driver.DeviceFlag;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Layer 2: hot-plug into real QEMU running guest-less domains (firmware only). What a
 * guest sees of a hot-added disk is proven with the test guest in the integration tests;
 * here, what QEMU and the XML say, and that a machine with no OS never releases a PCI
 * device.
 */
class HotplugTests {

	/**
	 * Root ports for the balloon, the two controllers, and two devices to plug (one per
	 * PCIe device).
	 */
	private static final String SPARE_PORTS = """
			<controller type='pci' model='pcie-root-port'/>
			<controller type='pci' model='pcie-root-port'/>
			<controller type='pci' model='pcie-root-port'/>
			<controller type='pci' model='pcie-root-port'/>
			<controller type='pci' model='pcie-root-port'/>
			<controller type='scsi' model='virtio-scsi'/>
			<controller type='virtio-serial'/>
			""";

	@RegisterExtension
	final OpenDriver open = new OpenDriver();

	@Test
	void aVirtioDiskIsPluggedLiveWithAnAddressAndTheDefinitionIsLeftAlone() throws Exception {
		Domain domain = this.open.driver().define(withDevices("plug", SPARE_PORTS));
		domain.start();
		String persistentBefore = Files.readString(this.open.root().resolve("etc/qemu/plug.xml"));
		Path image = image("data.qcow2");
		domain.attachDevice(disk(image, "vdb", "virtio"));

		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).contains("\"file\":\"" + image + "\"")
			.contains("virtio-disk1");
		String live = domain.xml(false);
		assertThat(live).contains("<target dev='vdb' bus='virtio'/>");
		String diskXml = live.substring(live.indexOf("<target dev='vdb'"));
		assertThat(diskXml.substring(0, diskXml.indexOf("</disk>"))).contains("<address type='pci'");
		assertThat(this.open.root().resolve("etc/qemu/plug.xml")).content().isEqualTo(persistentBefore);

		// the firmware has no hot-plug driver: the guest never releases the device
		assertThatExceptionOfType(OperationTimeoutException.class)
			.isThrownBy(() -> domain.detachDevice("<disk><target dev='vdb'/></disk>", Duration.ofSeconds(2)))
			.withMessageContaining("did not release disk vdb (QEMU device 'virtio-disk1') within PT2S")
			.withMessageContaining("DeviceFlag.CONFIG");
		assertThat(domain.xml(false)).contains("<target dev='vdb'");
		domain.destroy();
	}

	@Test
	void scsiDisksAndChannelsComeAndGoAndEventsSayWhat() throws Exception {
		CopyOnWriteArrayList<DomainEvent> events = new CopyOnWriteArrayList<>();
		this.open.driver().addListener(events::add);
		Domain domain = this.open.driver().define(withDevices("scsi", SPARE_PORTS));
		domain.start();
		Path image = image("scsi.qcow2");
		domain.attachDevice(disk(image, "sda", "scsi"), DeviceFlag.LIVE);
		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).contains("\"file\":\"" + image + "\"");
		assertThat(domain.xml(false)).contains("<target dev='sda' bus='scsi'/>")
			// the drive address libvirt assigns, which is also where QEMU put the disk
			.contains("<address type='drive' controller='0' bus='0' target='0' unit='0'/>");
		assertThat(domain.qmp("{\"execute\":\"qom-get\",\"arguments\":{\"path\":"
				+ "\"/machine/peripheral/scsi0-0-0-0\",\"property\":\"lun\"}}"))
			.isEqualTo("0");
		// SCSI and virtio-serial unplugs need no guest: QEMU sends DEVICE_DELETED at once
		domain.detachDevice("<disk type='file' device='disk'><target dev='sda' bus='scsi'/></disk>",
				Duration.ofSeconds(10));
		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).doesNotContain(image.toString());
		assertThat(domain.xml(false)).doesNotContain("dev='sda'");
		// the image is free again: the blockdev nodes are gone with the device
		assertThat(domain.qmp("{\"execute\":\"query-named-block-nodes\"}")).doesNotContain(image.toString());

		domain.attachDevice("""
				<channel type='unix'>
				  <target type='virtio' name='org.example.extra'/>
				</channel>""");
		assertThat(domain.xml(false)).contains("name='org.example.extra'", "<address type='virtio-serial'");
		assertThat(domain.qmp("{\"execute\":\"qom-list\",\"arguments\":{\"path\":\"/machine/peripheral\"}}"))
			.contains("\"channel0\"");
		assertThat(domain.qmp("{\"execute\":\"query-chardev\"}")).contains("charchannel0");
		domain.detachDevice("<channel><target type='virtio' name='org.example.extra'/></channel>",
				Duration.ofSeconds(10));
		assertThat(domain.qmp("{\"execute\":\"query-chardev\"}")).doesNotContain("charchannel0");
		assertThat(domain.xml(false)).doesNotContain("org.example.extra");
		domain.destroy();

		assertThat(events).filteredOn((e) -> e.type() == DomainEventType.DEVICE_ADDED)
			.extracting(DomainEvent::detail)
			.containsExactly("disk sda (live)", "channel org.example.extra (live)");
		assertThat(events).filteredOn((e) -> e.type() == DomainEventType.DEVICE_REMOVED)
			.extracting(DomainEvent::detail)
			.containsExactly("disk sda (live)", "channel org.example.extra (live)");
	}

	@Test
	void aUsbDiskIsPluggedOnTheNextFreePortAndUnpluggedWithoutTheGuest() throws Exception {
		Domain domain = this.open.driver()
			.define(withDevices("usb", "<input type='tablet' bus='usb'/>\n<controller type='usb' model='qemu-xhci'/>"));
		domain.start();
		assertThat(domain.xml(false)).contains("<address type='usb' bus='0' port='1'/>");
		Path image = image("usb.qcow2");
		domain.attachDevice(disk(image, "sdb", "usb"), DeviceFlag.LIVE);
		String live = domain.xml(false);
		String diskXml = live.substring(live.indexOf("<target dev='sdb' bus='usb'/>"));
		assertThat(diskXml.substring(0, diskXml.indexOf("</disk>"))).contains("<address type='usb' bus='0' port='2'/>");
		assertThat(domain.qmp("{\"execute\":\"qom-get\",\"arguments\":{\"path\":"
				+ "\"/machine/peripheral/usb-disk1\",\"property\":\"port\"}}"))
			.isEqualTo("\"2\"");
		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).contains("\"file\":\"" + image + "\"");
		// a USB unplug needs no guest: QEMU sends DEVICE_DELETED at once
		domain.detachDevice("<disk><target dev='sdb' bus='usb'/></disk>", Duration.ofSeconds(10));
		assertThat(domain.xml(false)).doesNotContain("dev='sdb'");
		assertThat(domain.qmp("{\"execute\":\"query-named-block-nodes\"}")).doesNotContain(image.toString());
		domain.destroy();
	}

	@Test
	void aUsbDiskOnADomainWithoutUsbNamesTheControllerToAdd() throws Exception {
		Domain domain = this.open.driver().define(withDevices("nousb", "<controller type='usb' model='none'/>"));
		domain.start();
		Path image = image("nousb.qcow2");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> domain.attachDevice(disk(image, "sda", "usb"), DeviceFlag.LIVE))
			.withMessageContaining("<controller type='usb' model='qemu-xhci'/>");
		assertThat(domain.qmp("{\"execute\":\"query-block\"}")).doesNotContain(image.toString());
		domain.destroy();
	}

	@Test
	void aNicIsPluggedLiveAndPersistently() throws Exception {
		Domain domain = this.open.driver().define(withDevices("nic", SPARE_PORTS));
		domain.start();
		domain.attachDevice("""
				<interface type='user'>
				  <mac address='52:54:00:aa:bb:01'/>
				  <model type='virtio'/>
				</interface>""", DeviceFlag.LIVE, DeviceFlag.CONFIG);
		assertThat(domain.qmp("{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/peripheral/net0\","
				+ "\"property\":\"mac\"}}"))
			.contains("52:54:00:aa:bb:01");
		assertThat(domain.xml(false)).contains("<mac address='52:54:00:aa:bb:01'/>");
		assertThat(this.open.root().resolve("etc/qemu/nic.xml")).content().contains("52:54:00:aa:bb:01");
		domain.destroy();
		// the next start has it from the definition
		domain.start();
		assertThat(domain.qmp("{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/peripheral/net0\","
				+ "\"property\":\"mac\"}}"))
			.contains("52:54:00:aa:bb:01");
		domain.destroy();
		// inactive, no flag: the definition
		domain.detachDevice("<interface><mac address='52:54:00:AA:BB:01'/></interface>", Duration.ofSeconds(1));
		assertThat(domain.xml(false)).doesNotContain("52:54:00:aa:bb:01");
	}

	@Test
	void whatCannotBePluggedIsRefusedWithWhatToChange() throws Exception {
		Domain bare = this.open.driver().define(GuestlessDomains.xml("bare"));
		Path image = image("bare.qcow2");
		assertThatExceptionOfType(InvalidOperationException.class)
			.isThrownBy(() -> bare.attachDevice(disk(image, "vdb", "virtio"), DeviceFlag.LIVE))
			.withMessageContaining("is not running")
			.withMessageContaining("DeviceFlag.CONFIG");
		bare.start();
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> bare.attachDevice(disk(image, "vdb", "virtio")))
			.withMessageContaining("<controller type='pci' model='pcie-root-port'/>");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> bare.attachDevice("<video><model type='vga'/></video>"))
			.withMessageContaining("<video> cannot be hot-plugged");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> bare.attachDevice("<disk type='file'><source file='" + image + "'/></disk>"));
		assertThatExceptionOfType(InvalidOperationException.class)
			.isThrownBy(() -> bare.detachDevice("<disk><target dev='vdz'/></disk>", Duration.ofSeconds(1)))
			.withMessageContaining("has no <disk> with target 'vdz'");
		// nothing was half-made
		assertThat(bare.qmp("{\"execute\":\"query-block\"}")).doesNotContain(image.toString());
		bare.destroy();
	}

	@Test
	void aPersistentChangeAlsoNeedsDomainSave() throws Exception {
		Path root = GuestlessDomains.newRoot();
		AtomicBoolean mayChangeDefinitions = new AtomicBoolean(true);
		try (QemuDriver guarded = QemuDriver.open(GuestlessDomains.config(root)
			.accessPolicy((request) -> request.permission() != Permission.DOMAIN_SAVE || mayChangeDefinitions.get())
			.build())) {
			Domain domain = guarded.define(withDevices("guarded", SPARE_PORTS));
			domain.start();
			mayChangeDefinitions.set(false);
			Path image = Files.createDirectories(root.resolve("images")).resolve("g.raw");
			Files.write(image, new byte[1 << 20]);
			String disk = disk(image, "sdb", "scsi").replace("qcow2", "raw");
			assertThatExceptionOfType(AccessDeniedException.class)
				.isThrownBy(() -> domain.attachDevice(disk, DeviceFlag.LIVE, DeviceFlag.CONFIG))
				.withMessageContaining("domain.save");
			assertThat(domain.xml(false)).doesNotContain("sdb");
			domain.attachDevice(disk, DeviceFlag.LIVE);
			assertThat(domain.xml(false)).contains("sdb");
			domain.destroy();
		}
		finally {
			GuestlessDomains.deleteTree(root);
		}
	}

	private static String withDevices(String name, String devices) {
		return GuestlessDomains.xml(name).replace("<devices>", "<devices>\n" + devices);
	}

	private static String disk(Path image, String target, String bus) {
		return """
				<disk type='file' device='disk'>
				  <driver name='qemu' type='qcow2'/>
				  <source file='%s'/>
				  <target dev='%s' bus='%s'/>
				</disk>""".formatted(image, target, bus);
	}

	private Path image(String name) throws Exception {
		Path image = this.open.root().resolve("images").resolve(name);
		Files.createDirectories(image.getParent());
		Process process = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "16M")
			.redirectErrorStream(true)
			.start();
		String out = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(out).isZero();
		return image;
	}

}
