package io.github.qemuembed.it.secondary;

import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.secondary.NetworkDescription;
import io.github.qemuembed.driver.secondary.NetworkDriver;
import io.github.qemuembed.driver.secondary.NetworkPort;
import io.github.qemuembed.driver.secondary.NetworkPortRequest;
import io.github.qemuembed.driver.secondary.SecondaryDriverFactory;
import io.github.qemuembed.driver.internal.remote.RemoteNetworkDriver;
import io.github.qemuembed.driver.internal.rpc.LibvirtClient;
import io.github.qemuembed.driver.internal.rpc.RpcClientOptions;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.NetworkRef;
import io.github.qemuembed.testsupport.libvirt.LibvirtContainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The network driver of a real libvirtd, over its UNIX socket and TCP. */
@Testcontainers
class RemoteNetworkDriverIT {

	@Container
	static final LibvirtContainer daemon = new LibvirtContainer();

	@BeforeAll
	static void defineNetworks() {
		try (LibvirtClient client = LibvirtClient.connect(daemon.unixUri("network"),
				RpcClientOptions.defaults("network driver"))) {
			NetworkRef hostBridge = client.networkDefine(
					"<network><name>host-bridge</name><forward mode='bridge'/><bridge name='br-qe0'/></network>");
			client.networkCreate(hostBridge);
			client.networkDefine(
					"<network><name>stopped</name><forward mode='bridge'/><bridge name='br-qe1'/></network>");
		}
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void bridgeAndForwardModeOfABridgedNetwork(Transport transport) {
		try (NetworkDriver networks = SecondaryDriverFactory.networkDriver(transport.uri(daemon, "network"))) {
			assertThat(networks.bridgeOf("host-bridge")).isEqualTo("br-qe0");
			NetworkDescription description = networks.describe("host-bridge");
			assertThat(description.forwardMode()).contains("bridge");
			assertThat(description.active()).isTrue();
			assertThat(description.uuid()).isPresent();
			assertThat(daemon.virsh("network", "net-uuid", "host-bridge").strip())
				.isEqualTo(description.uuid().get().toString());
		}
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void inactiveNetworkIsReportedAsSuch(Transport transport) {
		try (NetworkDriver networks = SecondaryDriverFactory.networkDriver(transport.uri(daemon, "network"))) {
			assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(() -> networks.bridgeOf("stopped"))
				.withMessageContaining("'stopped'")
				.withMessageContaining("is not active")
				.withMessageContaining("virsh net-start stopped");
		}
	}

	@ParameterizedTest
	@EnumSource(Transport.class)
	void portIsReservedOnTheBridgeAndReleased(Transport transport) {
		try (RemoteNetworkDriver networks = (RemoteNetworkDriver) SecondaryDriverFactory
			.networkDriver(transport.uri(daemon, "network"))) {
			NetworkPort port = networks.createPort("host-bridge", new NetworkPortRequest("vm-" + transport,
					UUID.randomUUID(), "52:54:00:12:34:5" + transport.ordinal()));
			assertThat(port.reserved()).isTrue();
			assertThat(port.bridge()).isEqualTo("br-qe0");
			String uuid = port.uuid().orElseThrow().toString();
			assertThat(daemon.virsh("network", "net-port-list", "host-bridge", "--uuid")).contains(uuid);
			assertThat(daemon.virsh("network", "net-port-dumpxml", "host-bridge", uuid))
				.contains("<name>vm-" + transport + "</name>")
				.contains("<plug type='bridge' bridge='br-qe0'/>");
			networks.deletePort(port);
			assertThat(daemon.virsh("network", "net-port-list", "host-bridge", "--uuid")).doesNotContain(uuid);
			// releasing twice is harmless: the port is gone
			networks.deletePort(port);
		}
	}

}
