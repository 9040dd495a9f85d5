package io.github.qemuembed.it.guest;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.OpenDriver;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.HostPortInUseException;
import io.github.qemuembed.testsupport.console.GuestConsole;
import io.github.qemuembed.testsupport.guest.TestGuest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Layer 3: a service in a user-mode guest (busybox httpd) reached from the host through a
 * forwarded port, with QEMU's own user networking and with passt; the host port chosen by
 * the driver shows in the live XML; a port already taken fails the start naming it, and
 * leaves no QEMU or passt behind.
 */
class PortForwardIT {

	private static final Duration BOOT = Duration.ofSeconds(120);

	private static final Pattern CHOSEN = Pattern.compile("<range start='(\\d+)' to='8080'/>");

	@RegisterExtension
	final OpenDriver open = new OpenDriver(Accel.TCG);

	@Test
	void slirpForwardReachesTheGuestsHttpServerOnAChosenPort() throws Exception {
		// slirp's guest address, as its DHCP server would hand it out
		TestGuest guest = TestGuest.builder()
			.initCommands("ip addr add 10.0.2.15/24 dev eth0\nip link set eth0 up")
			.build();
		reachGuest(guest, "slirp", "");
	}

	@Test
	void passtForwardReachesTheGuestsHttpServerOnAChosenPort() throws Exception {
		// passt hands the guest the host's own address over DHCP
		TestGuest guest = TestGuest.builder()
			.file("/usr/share/udhcpc/default.script", 0755,
					"#!/bin/sh\n[ \"$1\" = bound ] && ip addr add $ip/$mask "
							+ "dev $interface && ip route add default via $router\nexit 0\n")
			.initCommands("ip link set eth0 up\nudhcpc -i eth0 -n -q -t 10 -s /usr/share/udhcpc/default.script")
			.build();
		reachGuest(guest, "passt", "<backend type='passt'/>");
	}

	private void reachGuest(TestGuest guest, String name, String backend) throws Exception {
		String nic = "<interface type='user'>" + backend + "<model type='virtio'/><portForward proto='tcp' "
				+ "address='127.0.0.1'><range start='0' to='8080'/></portForward></interface>";
		Domain domain = this.open.driver().define(guest.domain(name).device(nic).toXml());
		domain.start();
		String live = domain.xml(false);
		Matcher chosen = CHOSEN.matcher(live);
		assertThat(chosen.find()).as(live).isTrue();
		int port = Integer.parseInt(chosen.group(1));
		assertThat(port).isPositive();
		assertThat(domain.xml(false)).contains("start='" + port + "'");
		try (DomainConsole console = domain.openConsole();
				GuestConsole shell = new GuestConsole(console.output(), console.input())) {
			shell.awaitText(TestGuest.READY_MARKER, BOOT);
			shell.runSuccessfully(
					"mkdir -p /www && echo hello-from-" + name + " > /www/index.html && " + "httpd -p 8080 -h /www",
					Duration.ofSeconds(20));
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/index.html"))
				.timeout(Duration.ofSeconds(10))
				.build();
			// the forward listens from the start; the answer comes once httpd runs in the
			// guest
			await().atMost(Duration.ofSeconds(60))
				.ignoreExceptions()
				.untilAsserted(() -> assertThat(http.send(request, HttpResponse.BodyHandlers.ofString()).body())
					.isEqualTo("hello-from-" + name + "\n"));
		}
		domain.destroy();
		assertThat(this.open.driver().lookup(name).xml(false)).as("the persistent definition keeps start='0'")
			.contains("<range start='0' to='8080'/>");
	}

	@Test
	void aForwardToATakenPortFailsTheStartNamingThePortAndLeavesNothing() throws Exception {
		try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			int port = taken.getLocalPort();
			for (String backend : new String[] { "", "<backend type='passt'/>" }) {
				String name = backend.isEmpty() ? "busy-slirp" : "busy-passt";
				Domain domain = this.open.driver()
					.define(TestGuest.standard()
						.domain(name)
						.device("<interface type='user'>" + backend + "<portForward proto='tcp' address='127.0.0.1'>"
								+ "<range start='" + port + "' to='22'/></portForward></interface>")
						.toXml());
				assertThatExceptionOfType(HostPortInUseException.class).isThrownBy(domain::start).satisfies((ex) -> {
					assertThat(ex.code()).isEqualTo(ErrorCode.RESOURCE_BUSY);
					assertThat(ex.port()).isEqualTo(port);
					assertThat(ex.getMessage()).contains("/domain/devices/interface[1]/portForward[1]/range[1]")
						.contains("tcp port " + port + " on 127.0.0.1 is already in use")
						.contains("start='0'");
				});
				assertThat(domain.status().state()).isEqualTo(DomainState.SHUTOFF);
				assertThat(domain.info().pid()).isEmpty();
			}
			assertThat(
					ProcessHandle.current().children().filter((p) -> p.info().command().orElse("").contains("passt")))
				.as("no passt left")
				.isEmpty();
		}
	}

}
