package io.github.qemuembed.driver.internal.core;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.LeftoverPolicy;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.HostNetworkException;
import io.github.qemuembed.driver.internal.hostnet.HostTaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * NICs as root without qemu-bridge-helper (these tests run as root, as CI does): a real
 * QEMU (no guest) attached to a tap the driver created on a bridge the test creates, the
 * tap gone when the domain stops, is destroyed, or is found as a leftover after its JVM
 * was killed with SIGKILL; a missing bridge fails naming it and leaves nothing.
 */
class RootTapTests {

	private static final String BRIDGE = "br-qe-test";

	private static final Pattern TARGET = Pattern.compile("<target dev='([^']+)'/>");

	private Path root;

	private Process owner;

	@BeforeEach
	void setUp() throws Exception {
		assertThat(HostTaps.canCreate()).as("these tests run as root").isTrue();
		ip("link", "del", BRIDGE);
		assertThat(ip("link", "add", BRIDGE, "type", "bridge")).isZero();
		assertThat(ip("link", "set", BRIDGE, "up")).isZero();
		this.root = GuestlessDomains.newRoot();
	}

	@AfterEach
	void tearDown() throws Exception {
		if (this.owner != null) {
			this.owner.destroyForcibly();
		}
		ip("link", "del", BRIDGE);
		GuestlessDomains.deleteTree(this.root);
	}

	@Test
	void bridgeNicGetsATapEnslavedWithLibvirtsMacAndMtuRemovedWhenTheDomainStops() throws Exception {
		try (QemuDriver driver = QemuDriver.open(GuestlessDomains.config(this.root).build())) {
			Domain domain = driver.define(withNic("bridged", "<interface type='bridge'><source bridge='" + BRIDGE
					+ "'/><mac address='52:54:00:0a:0b:0c'/><mtu size='1450'/></interface>"));
			domain.start();
			String tap = tapOf(domain.xml(false));
			Path sys = Path.of("/sys/class/net", tap);
			assertThat(Files.readSymbolicLink(sys.resolve("master")).getFileName().toString()).isEqualTo(BRIDGE);
			assertThat(Files.readString(sys.resolve("address")).strip()).isEqualTo("fe:54:00:0a:0b:0c");
			assertThat(Files.readString(sys.resolve("mtu")).strip()).isEqualTo("1450");
			assertThat(domain.qmp("{\"execute\":\"query-status\"}")).contains("running");
			// QEMU holds the tap: its queue is attached
			assertThat(Files.readString(sys.resolve("carrier")).strip()).isEqualTo("1");
			assertThat(this.root.resolve("run/qemu/bridged.xml")).content().contains("<taps>").contains(tap);
			assertThat(this.root.resolve("etc/qemu/bridged.xml")).as("the persistent definition names no tap")
				.content()
				.doesNotContain("<target dev=");
			domain.destroy();
			assertThat(HostTaps.exists(tap)).as("tap removed with the domain").isFalse();
			domain.start();
			String second = tapOf(domain.xml(false));
			assertThat(HostTaps.exists(second)).isTrue();
			domain.destroy();
			assertThat(HostTaps.exists(second)).isFalse();
		}
	}

	/**
	 * What qemu-bridge-helper cannot do: a bridge NIC with four queues runs on a
	 * multi-queue tap the driver created, QEMU holding one file of it per queue.
	 */
	@Test
	void aMultiQueueBridgeNicGetsAMultiQueueTap() throws Exception {
		try (QemuDriver driver = QemuDriver.open(GuestlessDomains.config(this.root).build())) {
			Domain domain = driver.define(withNic("multiqueue", "<interface type='bridge'><source bridge='" + BRIDGE
					+ "'/><model type='virtio'/><driver name='qemu' queues='4'/></interface>"));
			domain.start();
			String tap = tapOf(domain.xml(false));
			// IFF_MULTI_QUEUE (0x100) in the tap's flags
			int flags = Integer.decode(Files.readString(Path.of("/sys/class/net", tap, "tun_flags")).strip());
			assertThat(flags & 0x100).isEqualTo(0x100);
			String network = domain
				.qmp("{\"execute\":\"human-monitor-command\",\"arguments\":" + "{\"command-line\":\"info network\"}}");
			assertThat(network).contains("index=3,type=tap,ifname=" + tap);
			assertThat(domain.qmp("{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/peripheral/net0\","
					+ "\"property\":\"vectors\"}}"))
				.isEqualTo("10");
			domain.destroy();
			assertThat(HostTaps.exists(tap)).isFalse();
		}
	}

	@Test
	void ethernetNicGetsATapOfItsOwnWithoutABridge() throws Exception {
		try (QemuDriver driver = QemuDriver.open(GuestlessDomains.config(this.root).build())) {
			Domain domain = driver.define(withNic("eth", "<interface type='ethernet'><target dev='qe-eth-test'/>"
					+ "<mac address='52:54:00:0a:0b:0d'/></interface>"));
			domain.start();
			Path sys = Path.of("/sys/class/net/qe-eth-test");
			assertThat(Files.readString(sys.resolve("address")).strip()).isEqualTo("fe:54:00:0a:0b:0d");
			assertThat(Files.exists(sys.resolve("master"))).isFalse();
			domain.destroy();
			assertThat(HostTaps.exists("qe-eth-test")).isFalse();
		}
	}

	@Test
	void aMissingBridgeFailsTheStartNamingItAndLeavesNoTapNorProcess() throws Exception {
		Set<String> before = interfaces();
		try (QemuDriver driver = QemuDriver.open(GuestlessDomains.config(this.root).build())) {
			Domain domain = driver.define(
					withNic("nobridge", "<interface type='bridge'><source bridge='br-qe-absent'/>" + "</interface>"));
			assertThatExceptionOfType(HostNetworkException.class).isThrownBy(domain::start).satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.SYSTEM_ERROR);
				assertThat(ex.hostInterface()).isEqualTo("br-qe-absent");
				assertThat(ex.getMessage()).contains("/domain/devices/interface[1]")
					.contains("bridge 'br-qe-absent' does not exist");
			});
			assertThat(domain.status().state()).isEqualTo(DomainState.SHUTOFF);
			assertThat(interfaces()).isEqualTo(before);
			assertThat(this.root.resolve("run/qemu/nobridge.xml")).doesNotExist();
		}
	}

	@Test
	void aTargetDevThatExistsIsRefusedForABridgeNic() throws Exception {
		try (QemuDriver driver = QemuDriver.open(GuestlessDomains.config(this.root).build())) {
			Domain domain = driver.define(withNic("taken",
					"<interface type='bridge'><source bridge='" + BRIDGE + "'/><target dev='lo'/></interface>"));
			assertThatExceptionOfType(HostNetworkException.class).isThrownBy(domain::start)
				.withMessageContaining("'lo' exists already");
		}
	}

	@Test
	void theTapOfAJvmKilledWithSigkillIsRemovedByTheNextDriver() throws Exception {
		this.owner = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
				System.getProperty("java.class.path"), TapOwnerMain.class.getName(), this.root.toString(), BRIDGE)
			.redirectErrorStream(true)
			.start();
		String tap = null;
		BufferedReader out = new BufferedReader(
				new InputStreamReader(this.owner.getInputStream(), StandardCharsets.UTF_8));
		String line;
		StringBuilder transcript = new StringBuilder();
		while ((line = out.readLine()) != null && !line.equals("READY")) {
			transcript.append(line).append('\n');
			if (line.startsWith("TAP ")) {
				tap = line.substring(4).trim();
			}
		}
		assertThat(tap).as(transcript.toString()).isNotNull();
		assertThat(HostTaps.exists(tap)).isTrue();
		new ProcessBuilder("kill", "-9", Long.toString(this.owner.pid())).start().waitFor(10, TimeUnit.SECONDS);
		assertThat(this.owner.waitFor(10, TimeUnit.SECONDS)).isTrue();
		// QEMU dies with its owner; its tap is persistent and stays until a driver on the
		// root cleans up
		String recorded = Files.readString(this.root.resolve("run/qemu/tapowner.xml"));
		long qemuPid = Long.parseLong(recorded.replaceAll("(?s).*<pid>(\\d+)</pid>.*", "$1"));
		await().atMost(Duration.ofSeconds(30)).until(() -> ProcessHandle.of(qemuPid).isEmpty());
		assertThat(HostTaps.exists(tap)).isTrue();
		try (QemuDriver next = QemuDriver
			.open(GuestlessDomains.config(this.root).leftovers(LeftoverPolicy.DESTROY).build())) {
			assertThat(HostTaps.exists(tap)).as("reaped with the leftover record").isFalse();
			assertThat(this.root.resolve("run/qemu/tapowner.xml")).doesNotExist();
		}
	}

	static String withNic(String name, String nic) {
		return GuestlessDomains.xml(name).replace("<devices>", "<devices>" + nic);
	}

	static String tapOf(String xml) {
		Matcher matcher = TARGET.matcher(xml);
		if (!matcher.find()) {
			throw new AssertionError("no <target dev> in the live XML: " + xml);
		}
		return matcher.group(1);
	}

	static Set<String> interfaces() throws Exception {
		try (Stream<Path> files = Files.list(Path.of("/sys/class/net"))) {
			return files.map((p) -> p.getFileName().toString()).collect(Collectors.toSet());
		}
	}

	static int ip(String... args) throws Exception {
		String[] command = new String[args.length + 1];
		command[0] = "ip";
		System.arraycopy(args, 0, command, 1, args.length);
		Process process = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		return process.exitValue();
	}

}
