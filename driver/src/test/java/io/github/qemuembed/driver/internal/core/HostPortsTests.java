package io.github.qemuembed.driver.internal.core;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.HostPortInUseException;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.PortForward;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Host ports of {@code <portForward>}: chosen when 0, tried when given, on real sockets
 * of this host.
 */
class HostPortsTests {

	private static DomainDefinition forwarding(String proto, String address, String range) {
		return DomainXml.parse("<domain type='kvm'><name>t</name><memory>65536</memory><os><type>hvm</type></os>"
				+ "<devices><interface type='user'><portForward proto='" + proto + "'"
				+ (address.isEmpty() ? "" : " address='" + address + "'") + ">" + range
				+ "</portForward></interface></devices></domain>");
	}

	private static PortForward.Range firstRange(DomainDefinition def) {
		return def.devices().interfaces().get(0).portForwards().get(0).ranges().get(0);
	}

	@Test
	void startZeroGetsAFreePortThatThePersistentFormForgets() throws Exception {
		DomainDefinition def = forwarding("tcp", "127.0.0.1", "<range start='0' to='22'/>");
		DomainDefinition live = HostPorts.choose(def);
		int port = firstRange(live).start();
		assertThat(port).isBetween(1024, 65535);
		assertThat(firstRange(live).to()).hasValue(22);
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			assertThat(socket.isBound()).as("released again for QEMU").isTrue();
		}
		assertThat(HostPorts.unchoose(live, def)).isEqualTo(def);
	}

	@Test
	void aTakenTcpPortIsNamedWithItsElement() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int port = taken.getLocalPort();
			assertThatExceptionOfType(HostPortInUseException.class)
				.isThrownBy(
						() -> HostPorts.choose(forwarding("tcp", "127.0.0.1", "<range start='" + port + "' to='80'/>")))
				.satisfies((ex) -> {
					assertThat(ex.code()).isEqualTo(ErrorCode.RESOURCE_BUSY);
					assertThat(ex.port()).isEqualTo(port);
					assertThat(ex.protocol()).isEqualTo("tcp");
					assertThat(ex.path()).isEqualTo("/domain/devices/interface[1]/portForward[1]/range[1]");
				});
		}
	}

	@Test
	void aTakenUdpPortOnEveryAddressIsNamed() throws Exception {
		try (DatagramSocket taken = new DatagramSocket(0)) {
			int port = taken.getLocalPort();
			assertThatExceptionOfType(HostPortInUseException.class)
				.isThrownBy(() -> HostPorts.choose(forwarding("udp", "", "<range start='" + port + "'/>")))
				.withMessageContaining("udp port " + port + " on every address is already in use");
		}
	}

	@Test
	void definitionsWithoutForwardsAreLeftAsTheyAre() {
		DomainDefinition def = DomainXml.parse("<domain type='kvm'><name>t</name><memory>65536</memory><os><type>hvm"
				+ "</type></os><devices><interface type='user'/></devices></domain>");
		assertThat(HostPorts.choose(def)).isSameAs(def);
	}

	@Test
	void theBridgeHelperHintNamesTheFileAndTheLines() {
		assertThat(RunTaps.bridgeHelperHint("failed to create tun device: access denied by acl file",
				List.of("br0", "virbr1")))
			.contains("'allow br0' and 'allow virbr1'")
			.contains("/etc/qemu/bridge.conf")
			.contains("as root");
		assertThat(RunTaps.bridgeHelperHint("some other failure", List.of("br0"))).isEmpty();
	}

}
