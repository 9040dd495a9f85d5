package io.github.qemuembed.driver.internal.rpc;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.internal.rpc.LibvirtUri.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LibvirtUriTests {

	@Test
	void systemUriUsesTheMonolithicDaemonSocket() {
		LibvirtUri uri = LibvirtUri.parse("network:///system");
		assertThat(uri.driver()).isEqualTo("network");
		assertThat(uri.transport()).isEqualTo(Transport.UNIX);
		assertThat(uri.host()).isEmpty();
		assertThat(uri.socketPath((p) -> false)).isEqualTo(Path.of("/run/libvirt/libvirt-sock"));
		assertThat(uri.daemonUri()).isEqualTo("network:///system");
	}

	@Test
	void autoModePrefersTheDriversOwnDaemonWhenItsSocketExists() {
		LibvirtUri uri = LibvirtUri.parse("storage:///system");
		assertThat(uri.socketPath((p) -> p.toString().equals("/run/libvirt/virtstoraged-sock")))
			.isEqualTo(Path.of("/run/libvirt/virtstoraged-sock"));
		assertThat(LibvirtUri.parse("storage:///system?mode=legacy").socketPath((p) -> true))
			.isEqualTo(Path.of("/run/libvirt/libvirt-sock"));
		assertThat(LibvirtUri.parse("secret:///system?mode=direct").socketPath((p) -> false))
			.isEqualTo(Path.of("/run/libvirt/virtsecretd-sock"));
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> LibvirtUri.parse("secret:///system?mode=fast").socketPath((p) -> false))
			.withMessageContaining("mode must be auto, legacy or direct");
	}

	@Test
	void socketParameterIsUsedAndNotSentToTheDaemon() {
		LibvirtUri uri = LibvirtUri.parse("secret:///system?socket=/tmp/x%20y/libvirt-sock");
		assertThat(uri.socketPath((p) -> true)).isEqualTo(Path.of("/tmp/x y/libvirt-sock"));
		assertThat(uri.daemonUri()).isEqualTo("secret:///system");
	}

	@Test
	void otherParametersArePassedToTheDaemon() {
		LibvirtUri uri = LibvirtUri.parse("network:///system?socket=/s&foo=bar");
		assertThat(uri.params()).containsEntry("foo", "bar").containsEntry("socket", "/s");
		assertThat(uri.daemonUri()).isEqualTo("network:///system?foo=bar");
	}

	@Test
	void nameParameterOverridesTheDaemonUri() {
		assertThat(LibvirtUri.parse("network+tcp://h/system?name=network:///session").daemonUri())
			.isEqualTo("network:///session");
	}

	@Test
	void tcpUriHasHostAndPort() {
		LibvirtUri uri = LibvirtUri.parse("network+tcp://libvirt.example:16600/system");
		assertThat(uri.transport()).isEqualTo(Transport.TCP);
		assertThat(uri.host()).contains("libvirt.example");
		assertThat(uri.port()).isEqualTo(16600);
		assertThat(uri.daemonUri()).isEqualTo("network:///system");
	}

	@Test
	void tcpPortDefaultsTo16509() {
		assertThat(LibvirtUri.parse("storage+tcp://10.0.0.1/system").port()).isEqualTo(16509);
	}

	@Test
	void ipv6HostIsAccepted() {
		LibvirtUri uri = LibvirtUri.parse("secret+tcp://[::1]:1234/system");
		assertThat(uri.host()).contains("[::1]");
		assertThat(uri.port()).isEqualTo(1234);
	}

	@Test
	void explicitUnixTransportIsTheDefaultOne() {
		assertThat(LibvirtUri.parse("network+unix:///system").transport()).isEqualTo(Transport.UNIX);
	}

	@Test
	void sessionUriUsesTheUsersRuntimeDirectory() {
		Path socket = LibvirtUri.parse("network:///session").socketPath((p) -> false);
		assertThat(socket.getFileName()).hasToString("libvirt-sock");
		assertThat(socket.getParent().getFileName()).hasToString("libvirt");
	}

	@Test
	void hostWithoutTransportWouldBeTlsAndIsRefused() {
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> LibvirtUri.parse("network://host/system"))
			.withMessageContaining("TLS, which is not supported")
			.withMessageContaining("+tcp://");
	}

	@Test
	void unsupportedTransportsAreNamed() {
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> LibvirtUri.parse("network+ssh://root@host/system"))
			.withMessageContaining("not supported");
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> LibvirtUri.parse("network+tls://host/system"))
			.withMessageContaining("transport 'tls' is not supported");
	}

	@Test
	void tcpNeedsAHost() {
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> LibvirtUri.parse("network+tcp:///system"))
			.withMessageContaining("needs a host");
	}

	@Test
	void unixSocketUriNeedsSystemOrSession() {
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> LibvirtUri.parse("secret:///embed?root=/tmp/r"))
			.withMessageContaining("/system or /session");
	}

	@Test
	void notAUri() {
		assertThatExceptionOfType(InvalidEndpointException.class).isThrownBy(() -> LibvirtUri.parse("embedded"))
			.withMessageContaining("is not a libvirt URI");
		assertThatExceptionOfType(InvalidEndpointException.class).isThrownBy(() -> LibvirtUri.parse(" "))
			.withMessageContaining("No libvirt URI");
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> LibvirtUri.parse("network:///sys tem"))
			.withMessageContaining("not a valid libvirt URI");
	}

	@Test
	void duplicateParameterIsRefused() {
		assertThatExceptionOfType(InvalidEndpointException.class)
			.isThrownBy(() -> LibvirtUri.parse("network:///system?socket=/a&socket=/b"))
			.withMessageContaining("'socket' is given twice");
	}

}
