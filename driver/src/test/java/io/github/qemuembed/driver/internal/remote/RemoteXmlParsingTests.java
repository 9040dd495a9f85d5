package io.github.qemuembed.driver.internal.remote;

import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.secondary.NetworkDescription;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteXmlParsingTests {

	private static final UUID NET = UUID.fromString("f39fae1c-61c8-4a5a-a825-ed05294a25b0");

	@Test
	void bridgedNetwork() {
		// as libvirt 9.0 returns it for a <forward mode='bridge'> network
		String xml = """
				<network>
				  <name>hostbr</name>
				  <uuid>f39fae1c-61c8-4a5a-a825-ed05294a25b0</uuid>
				  <forward mode='bridge'/>
				  <bridge name='br-test0'/>
				</network>
				""";
		assertThat(RemoteNetworkDriver.parse("hostbr", NET, xml, true)).isEqualTo(new NetworkDescription("hostbr",
				Optional.of(NET), Optional.of("br-test0"), Optional.of("bridge"), true));
	}

	@Test
	void natIsTheDefaultForwardModeAndIsolatedHasNone() {
		String nat = "<network><name>default</name><forward/><bridge name='virbr0' stp='on' delay='0'/></network>";
		assertThat(RemoteNetworkDriver.parse("default", NET, nat, false).forwardMode()).contains("nat");
		String isolated = "<network><name>iso</name><bridge name='virbr9'/></network>";
		NetworkDescription description = RemoteNetworkDriver.parse("iso", NET, isolated, true);
		assertThat(description.forwardMode()).isEmpty();
		assertThat(description.bridge()).contains("virbr9");
	}

	@Test
	void macvtapNetworkHasNoBridge() {
		String xml = "<network><name>mv</name><forward mode='bridge'><interface dev='eth0'/></forward></network>";
		assertThat(RemoteNetworkDriver.parse("mv", NET, xml, true).bridge()).isEmpty();
	}

	@Test
	void volumeFormat() {
		String xml = """
				<volume type='file'>
				  <name>disk.qcow2</name>
				  <key>/pool/disk.qcow2</key>
				  <target>
				    <path>/pool/disk.qcow2</path>
				    <format type='qcow2'/>
				  </target>
				</volume>
				""";
		assertThat(RemoteStorageDriver.formatOf(xml)).contains("qcow2");
		assertThat(RemoteStorageDriver.formatOf("<volume><target><path>/p</path></target></volume>")).isEmpty();
	}

}
