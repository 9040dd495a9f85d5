package io.github.qemuembed.driver.internal.xml;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.ConfigurationException;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code <portForward>}, {@code <backend type='passt'/>} and {@code <mtu>} of
 * {@code <interface>}.
 */
class PortForwardXmlTests {

	private static NetInterface nic(String inInterface) {
		return DomainXml
			.parse(DomainXmlTests.minimal("<devices><interface type='user'>" + inInterface + "</interface></devices>"))
			.devices()
			.interfaces()
			.get(0);
	}

	private static ConfigurationException refused(String inInterface) {
		try {
			nic(inInterface);
		}
		catch (ConfigurationException ex) {
			return ex;
		}
		throw new AssertionError("accepted: " + inInterface);
	}

	@Test
	void readsLibvirtsGrammarAndWritesItBack() {
		NetInterface nic = nic("<backend type='passt'/><portForward proto='tcp' address='127.0.0.1' dev='lo'>"
				+ "<range start='8000' end='8010' to='80'/><range start='8005' exclude='yes'/></portForward>"
				+ "<portForward proto='udp'><range start='0' to='53'/></portForward>");
		assertThat(nic.passt()).isTrue();
		assertThat(nic.portForwards()).containsExactly(
				new PortForward(PortForward.Protocol.TCP, Optional.of("127.0.0.1"), Optional.of("lo"),
						List.of(new PortForward.Range(8000, Optional.of(8010), Optional.of(80), false),
								new PortForward.Range(8005, Optional.empty(), Optional.empty(), true))),
				new PortForward(PortForward.Protocol.UDP, Optional.empty(), Optional.empty(),
						List.of(new PortForward.Range(0, Optional.empty(), Optional.of(53), false))));
		DomainDefinition def = DomainXml.parse(DomainXmlTests.minimal("<devices><interface type='user'>"
				+ "<backend type='passt'/><portForward proto='tcp' address='::1'><range start='2222' to='22'/>"
				+ "</portForward></interface></devices>"));
		String written = DomainXml.write(def, false);
		assertThat(written).contains("<backend type='passt'/>")
			.contains("<portForward proto='tcp' address='::1'>")
			.contains("<range start='2222' to='22'/>");
		assertThat(DomainXml.parse(written)).isEqualTo(def);
	}

	@Test
	void rangeGuestPortsFollowTheHostPorts() {
		PortForward.Range range = new PortForward.Range(8080, Optional.of(8082), Optional.of(80), false);
		assertThat(range.size()).isEqualTo(3);
		assertThat(range.guestPort(2)).isEqualTo(82);
		assertThat(new PortForward.Range(22, Optional.empty(), Optional.empty(), false).guestPort(0)).isEqualTo(22);
	}

	@Test
	void slirpRefusesWhatOnlyPasstCanDoNamingTheAlternative() {
		assertThat(refused("<portForward proto='tcp' dev='eth0'><range start='80'/></portForward>"))
			.isInstanceOf(UnsupportedConfigurationException.class)
			.hasMessageContaining("/portForward[1]/@dev")
			.hasMessageContaining("<backend type='passt'/>");
		assertThat(refused("<portForward proto='tcp'><range start='80' end='90'/><range start='85' exclude='yes'/>"
				+ "</portForward>"))
			.isInstanceOf(UnsupportedConfigurationException.class)
			.hasMessageContaining("range[2]/@exclude");
		assertThat(refused("<portForward proto='tcp' address='::1'><range start='80'/></portForward>"))
			.hasMessageContaining("IPv4");
		assertThat(refused("<portForward proto='tcp'/>")).isInstanceOf(InvalidConfigurationException.class)
			.hasMessageContaining("at least one <range");
		assertThat(refused("<portForward proto='tcp'><range start='1' end='2000'/></portForward>"))
			.hasMessageContaining("more than 1024");
	}

	@Test
	void badRangesAndAddressesNameTheAttribute() {
		assertThat(refused("<portForward proto='sctp'><range start='80'/></portForward>").path())
			.isEqualTo("/domain/devices/interface[1]/portForward[1]/@proto");
		assertThat(refused("<portForward proto='tcp'><range to='80'/></portForward>").path())
			.endsWith("/range[1]/@start");
		assertThat(refused("<portForward proto='tcp'><range start='90' end='80'/></portForward>"))
			.hasMessageContaining("below start");
		assertThat(refused("<portForward proto='tcp'><range start='0'/></portForward>"))
			.hasMessageContaining("to='GUEST-PORT'");
		assertThat(refused("<portForward proto='tcp'><range start='0' end='5' to='80'/></portForward>"))
			.hasMessageContaining("start='0'");
		assertThat(refused("<portForward proto='tcp'><range start='70000'/></portForward>").path())
			.endsWith("/range[1]/@start");
		assertThat(refused("<portForward proto='tcp' address='localhost'><range start='80'/></portForward>"))
			.hasMessageContaining("not an IP address");
		assertThat(refused("<portForward proto='tcp' address='300.1.1.1'><range start='80'/></portForward>"))
			.hasMessageContaining("not an IP address");
		assertThat(refused("<portForward proto='tcp'><range start='65530' end='65535' to='65533'/></portForward>"))
			.hasMessageContaining("past 65535");
		assertThat(refused(
				"<backend type='passt'/><portForward proto='tcp'><range start='5' exclude='yes'/>" + "</portForward>"))
			.hasMessageContaining("every <range> excludes");
		assertThat(refused("<portForward proto='tcp'><range start='80' color='red'/></portForward>").path())
			.endsWith("/range[1]/@color");
	}

	@Test
	void forwardsBackendAndMtuBelongToTheirInterfaceTypes() {
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(DomainXmlTests.minimal("<devices><interface type='bridge'>"
					+ "<source bridge='br0'/><portForward proto='tcp'><range start='80'/></portForward>"
					+ "</interface></devices>")))
			.withMessageContaining("type='user'> only");
		assertThatExceptionOfType(UnsupportedConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(DomainXmlTests.minimal("<devices><interface type='bridge'>"
					+ "<source bridge='br0'/><backend type='passt'/></interface></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).isEqualTo("/domain/devices/interface[1]/backend"));
		assertThat(refused("<backend type='vde'/>").path()).endsWith("/backend/@type");
		assertThat(refused("<mtu size='9000'/>")).hasMessageContaining("not <interface type='user'>");
		NetInterface bridged = DomainXml.parse(DomainXmlTests.minimal("<devices><interface type='bridge'>"
				+ "<source bridge='br0'/><mtu size='9000'/></interface></devices>"))
			.devices()
			.interfaces()
			.get(0);
		assertThat(bridged.mtu()).hasValue(9000);
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainXml.parse(DomainXmlTests.minimal("<devices><interface type='bridge'>"
					+ "<source bridge='br0'/><mtu size='10'/></interface></devices>")))
			.satisfies((ex) -> assertThat(ex.path()).endsWith("/mtu/@size"));
	}

}
