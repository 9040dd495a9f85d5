package io.github.qemuembed.autoconfigure.actuate;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link StatisticsReader} names block devices: QEMU's device ids (libvirt's aliases, as the
 * driver's command builder gives them) mapped back to {@code <target dev>}. Real answers of
 * {@code query-blockstats} are read in {@link QemuMetricsContextTests}.
 */
class StatisticsReaderTests {

	@Test
	void targetsByAliasFollowTheBusAndTheDriveAddress() {
		String xml = """
				<domain type='kvm'><name>a</name><devices>
				  <disk type='file' device='disk'><source file='/a'/><target dev='vdb' bus='virtio'/></disk>
				  <disk type='file' device='disk'><source file='/b'/><target dev='sdc' bus='sata'/></disk>
				  <disk type='file' device='disk'><source file='/c'/><target dev='hdd' bus='ide'/></disk>
				  <disk type='file' device='disk'><source file='/d'/><target dev='sda' bus='scsi'/>
				    <address type='drive' controller='0' bus='0' target='2' unit='5'/></disk>
				  <interface type='user'><target dev='vdz'/></interface>
				</devices></domain>
				""";
		assertThat(StatisticsReader.diskTargetsByAlias(xml)).containsExactlyInAnyOrderEntriesOf(Map.of("virtio-disk1",
				"vdb", "sata0-0-2", "sdc", "ide0-1-1", "hdd", "scsi0-0-2-5", "sda"));
	}

	@Test
	void blockstatsEntriesAreNamedByTargetAndUnattachedNodesSkipped() {
		String answer = """
				[{"device":"","qdev":"/machine/peripheral/virtio-disk0/virtio-backend","node-name":"virtio-disk0-format",
				  "stats":{"rd_bytes":512,"wr_bytes":4096,"rd_operations":1,"wr_operations":2}},
				 {"device":"","qdev":"/machine/peripheral/sata0-0-3","stats":{"rd_bytes":7}},
				 {"device":"","node-name":"orphan","stats":{"rd_bytes":9}}]
				""";
		String xml = "<domain><devices><disk type='file'><target dev='vda' bus='virtio'/></disk></devices></domain>";
		assertThat(StatisticsReader.blockDevices(answer, xml)).containsExactly(
				new DomainStatistics.BlockDevice("vda", 512, 4096, 1, 2),
				new DomainStatistics.BlockDevice("sata0-0-3", 7, 0, 0, 0));
	}

	@Test
	void targetIndexIsLibvirtsDiskNameIndex() {
		assertThat(StatisticsReader.targetIndex("vda")).isZero();
		assertThat(StatisticsReader.targetIndex("sdz")).isEqualTo(25);
		assertThat(StatisticsReader.targetIndex("vdaa")).isEqualTo(26);
		assertThat(StatisticsReader.targetIndex("vd1")).isEqualTo(-1);
	}

}
