package io.github.qemuembed.driver.internal.xml;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A disk's {@code <iotune>}, spelled-out {@code <backingStore>} chain and network sources
 * (nbd, http(s)).
 */
class DiskElementsXmlTests {

	static String withDisks(String disks) {
		return "<domain type='qemu'><name>d</name><memory>65536</memory><os><type>hvm</type></os><devices>" + disks
				+ "</devices></domain>";
	}

	static String disk(String type, String inside) {
		return "<disk type='" + type + "' device='disk'>" + inside + "</disk>";
	}

	static Disk only(String xml) {
		DomainDefinition def = DomainXml.parse(xml);
		assertThat(DomainXml.parse(DomainXml.write(def, true))).isEqualTo(def);
		return def.devices().disks().get(0);
	}

	@Test
	void iotuneLimitsAndGroup() {
		Disk disk = only(withDisks(disk("file", "<source file='/i/a.raw'/><target dev='vda'/><iotune>"
				+ "<total_bytes_sec>1048576</total_bytes_sec><total_bytes_sec_max>2097152</total_bytes_sec_max>"
				+ "<total_bytes_sec_max_length>10</total_bytes_sec_max_length><read_iops_sec>100</read_iops_sec>"
				+ "<write_iops_sec>0</write_iops_sec><size_iops_sec>4096</size_iops_sec><group_name>g1</group_name>"
				+ "</iotune>")));
		assertThat(disk.iotune().get().limits()).isEqualTo(Map.of("total_bytes_sec", 1048576L, "total_bytes_sec_max",
				2097152L, "total_bytes_sec_max_length", 10L, "read_iops_sec", 100L, "size_iops_sec", 4096L));
		assertThat(disk.iotune().get().group()).contains("g1");
	}

	@Test
	void iotuneRulesAsLibvirtAndQemuHaveThem() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(withDisks(disk("file",
					"<source file='/i/a'/><target dev='vda'/><iotune>"
							+ "<total_bytes_sec>1</total_bytes_sec><read_bytes_sec>1</read_bytes_sec></iotune>"))))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/iotune/total_bytes_sec"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(withDisks(disk("file",
					"<source file='/i/a'/><target dev='vda'/><iotune>"
							+ "<read_iops_sec_max>10</read_iops_sec_max></iotune>"))))
			.withMessageContaining("read_iops_sec_max needs read_iops_sec");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(withDisks(disk("file",
					"<source file='/i/a'/><target dev='vda'/><iotune>"
							+ "<read_iops_sec>10</read_iops_sec><read_iops_sec_max>5</read_iops_sec_max></iotune>"))))
			.withMessageContaining("below");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(withDisks(disk("file",
					"<source file='/i/a'/><target dev='vda'/><iotune>"
							+ "<total_iops_sec>10</total_iops_sec><group_name>g</group_name></iotune>")
					+ disk("file",
							"<source file='/i/b'/><target dev='vdb'/><iotune>"
									+ "<total_iops_sec>20</total_iops_sec><group_name>g</group_name></iotune>"))))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[2]/iotune"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(withDisks(disk("file",
					"<source file='/i/a'/><target dev='vda'/><iotune>"
							+ "<total_iops_sec>10</total_iops_sec><unknown_limit>1</unknown_limit></iotune>"))))
			.satisfies((ex) -> assertThat(ex.path()).startsWith("/domain/devices/disk[1]/iotune/unknown_limit"));
	}

	@Test
	void aBackingChainIsReadOutermostFirst() {
		Disk disk = only(withDisks(disk("file", "<driver name='qemu' type='qcow2'/><source file='/i/top.qcow2'/>"
				+ "<backingStore type='file' index='1'><format type='qcow2'/><source file='/i/mid.qcow2'/>"
				+ "<backingStore type='block' index='2'><format type='raw'/><source dev='/dev/sdz'/><backingStore/>"
				+ "</backingStore></backingStore><target dev='vda' bus='virtio'/>")));
		assertThat(disk.backingChain()).containsExactly(
				new BackingImage(DiskType.FILE, "/i/mid.qcow2", DiskFormat.QCOW2),
				new BackingImage(DiskType.BLOCK, "/dev/sdz", DiskFormat.RAW));
		assertThat(disk.noBackingStore()).isTrue();
		Disk open = only(withDisks(disk("file",
				"<driver name='qemu' type='qcow2'/><source file='/i/top.qcow2'/>"
						+ "<backingStore type='file'><format type='qcow2'/><source file='/i/mid.qcow2'/></backingStore>"
						+ "<target dev='vda'/>")));
		assertThat(open.backingChain()).hasSize(1);
		assertThat(open.noBackingStore()).isFalse();
	}

	@Test
	void aBackingChainNeedsFormatsAndQcow2Above() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(withDisks(disk("file", "<driver name='qemu' type='qcow2'/>"
					+ "<source file='/i/top.qcow2'/><backingStore type='file'><source file='/i/b'/></backingStore>"
					+ "<target dev='vda'/>"))))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/backingStore/format"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(withDisks(disk("file", "<driver name='qemu' type='raw'/>"
					+ "<source file='/i/top'/><backingStore type='file'><format type='raw'/><source file='/i/b'/>"
					+ "</backingStore><target dev='vda'/>"))))
			.withMessageContaining("only a qcow2 image has a backing file");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(withDisks(disk("file",
					"<driver name='qemu' type='qcow2'/>"
							+ "<source file='/i/top'/><backingStore type='network'><format type='raw'/>"
							+ "<source protocol='nbd'/></backingStore><target dev='vda'/>"))))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/backingStore/@type"));
	}

	@Test
	void nbdOverTcpAndUnixSocketsAndHttps() {
		Disk tcp = only(withDisks(disk("network", "<driver name='qemu' type='raw'/><source protocol='nbd' "
				+ "name='export1'><host name='nbd.example' port='10810'/></source><target dev='vda' bus='virtio'/>")));
		assertThat(tcp.source().get().network()).contains(new NetworkSource("nbd", Optional.of("export1"),
				new NetworkSource.Host(Optional.of("nbd.example"), Optional.of(10810), Optional.empty()),
				Optional.empty(), Optional.empty()));
		Disk unix = only(withDisks(disk("network", "<source protocol='nbd'><host transport='unix' "
				+ "socket='/run/nbd.sock'/></source><target dev='vda'/>")));
		assertThat(unix.source().get().network().get().host().socket()).contains("/run/nbd.sock");
		Disk https = only(withDisks("<disk type='network' device='cdrom'><source protocol='https' "
				+ "name='/images/boot.iso' query='token=a'><host name='example.org' port='8443'/><ssl verify='no'/>"
				+ "</source><target dev='sda' bus='sata'/></disk>"));
		assertThat(https.source().get().network().get().sslVerify()).contains(false);
	}

	@Test
	void networkDisksThatAreRefusedSayWhatTheyNeed() {
		for (String protocol : List.of("iscsi", "rbd", "gluster", "ssh", "nfs", "ftp", "sheepdog")) {
			assertThatExceptionOfType(UnsupportedConfigurationException.class)
				.isThrownBy(() -> DomainXml.parse(withDisks(disk("network",
						"<source protocol='" + protocol + "' name='x'><host name='h'/></source><target dev='vda'/>"))))
				.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/source/@protocol"))
				.withMessageContaining("needs")
				.withMessageContaining("<disk type=");
		}
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(withDisks(disk("network",
					"<source protocol='http' name='/a.raw'>" + "<host name='h'/></source><target dev='vda'/>"))))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/readonly"));
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(withDisks(disk("network",
					"<source protocol='nbd' name='a'>"
							+ "<host name='h'/><auth username='u'><secret type='iscsi' usage='x'/></auth></source>"
							+ "<target dev='vda'/>"))))
			.satisfies((ex) -> assertThat(ex.path()).startsWith("/domain/devices/disk[1]/source/auth"));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml
				.parse(withDisks(disk("network", "<source protocol='nbd' name='a'/>" + "<target dev='vda'/>"))))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/disk[1]/source/host"));
	}

}
