package io.github.qemuembed.driver.internal.hostnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.HostNetworkException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Real taps on the host (the tests run as root, as CI does): created, enslaved,
 * configured as libvirt does, and deleted; a missing bridge fails naming it and leaves no
 * tap. The bridge is created and removed by the test.
 */
class HostTapsTests {

	private static final String BRIDGE = "br-qe-tapt";

	@BeforeEach
	void bridge() throws Exception {
		assertThat(HostTaps.canCreate()).as("these tests run as root, with /dev/net/tun").isTrue();
		ip("link", "del", BRIDGE);
		assertThat(ip("link", "add", BRIDGE, "type", "bridge")).isZero();
		assertThat(ip("link", "set", BRIDGE, "mtu", "1400")).isZero();
	}

	@AfterEach
	void removeBridge() throws Exception {
		ip("link", "del", BRIDGE);
	}

	@Test
	void aTapOnABridgeHasTheHostSideMacTheBridgesMtuAndIsUp() throws IOException {
		String tap = HostTaps.create(new HostTaps.Request(Optional.empty(), "52:54:00:12:34:56", Optional.empty(),
				Optional.of(BRIDGE), false), "test");
		try {
			assertThat(tap).startsWith("qetap");
			Path sys = Path.of("/sys/class/net", tap);
			assertThat(Files.readSymbolicLink(sys.resolve("master")).getFileName().toString()).isEqualTo(BRIDGE);
			assertThat(Files.readString(sys.resolve("address")).strip()).isEqualTo("fe:54:00:12:34:56");
			assertThat(Files.readString(sys.resolve("mtu")).strip()).isEqualTo("1400");
			assertThat(Integer.decode(Files.readString(sys.resolve("flags")).strip()) & 1).as("IFF_UP").isEqualTo(1);
			assertThat(Files.readString(sys.resolve("tun_flags")).strip())
				.as("tap, no packet info, vnet header, persistent")
				.isEqualTo("0x5802");
		}
		finally {
			assertThat(HostTaps.delete(tap)).isTrue();
		}
		assertThat(HostTaps.exists(tap)).isFalse();
		assertThat(HostTaps.delete(tap)).as("gone already").isFalse();
	}

	@Test
	void aNamedMultiQueueTapWithItsOwnMtu() throws IOException {
		String tap = HostTaps.create(new HostTaps.Request(Optional.of("qe-tapt-mq"), "52:54:00:00:00:01",
				Optional.of(1300), Optional.empty(), true), "test");
		try {
			assertThat(tap).isEqualTo("qe-tapt-mq");
			assertThat(Files.readString(Path.of("/sys/class/net", tap, "mtu")).strip()).isEqualTo("1300");
			assertThat(Files.exists(Path.of("/sys/class/net", tap, "master"))).isFalse();
		}
		finally {
			assertThat(HostTaps.delete(tap)).as("deleted with the multi-queue flag").isTrue();
		}
		assertThat(HostTaps.exists(tap)).isFalse();
	}

	@Test
	void aMissingBridgeIsNamedAndNoTapIsLeft() throws IOException {
		Set<String> before = interfaces();
		assertThatExceptionOfType(HostNetworkException.class)
			.isThrownBy(() -> HostTaps.create(new HostTaps.Request(Optional.empty(), "52:54:00:12:34:56",
					Optional.empty(), Optional.of("br-qe-nothere"), false), "/domain/devices/interface[1]"))
			.satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.SYSTEM_ERROR);
				assertThat(ex.hostInterface()).isEqualTo("br-qe-nothere");
				assertThat(ex.getMessage()).contains("/domain/devices/interface[1]")
					.contains("'br-qe-nothere' does not exist")
					.contains("ip link add br-qe-nothere type bridge");
			});
		assertThat(interfaces()).isEqualTo(before);
	}

	@Test
	void anInterfaceThatIsNotABridgeIsRefusedBeforeATapExists() throws IOException {
		Set<String> before = interfaces();
		assertThatExceptionOfType(HostNetworkException.class)
			.isThrownBy(() -> HostTaps.create(new HostTaps.Request(Optional.empty(), "52:54:00:12:34:56",
					Optional.empty(), Optional.of("lo"), false), "test"))
			.withMessageContaining("'lo' is a network interface but not a bridge");
		assertThat(interfaces()).isEqualTo(before);
	}

	@Test
	void hostSideMacIsTheGuestsWithFeFirst() {
		assertThat(HostTaps.hostSideMac("52:54:00:ab:cd:ef")).containsExactly(0xfe, 0x54, 0x00, 0xab, 0xcd, 0xef);
	}

	static Set<String> interfaces() throws IOException {
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
