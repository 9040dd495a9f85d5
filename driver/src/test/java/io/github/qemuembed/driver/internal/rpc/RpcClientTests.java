package io.github.qemuembed.driver.internal.rpc;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.internal.rpc.ScriptedPeer.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RpcClientTests {

	private static final RpcClientOptions OPTIONS = new RpcClientOptions(Duration.ofSeconds(2), Duration.ofSeconds(5),
			"network driver");

	private static final UUID NET_UUID = UUID.fromString("f39fae1c-61c8-4a5a-a825-ed05294a25b0");

	private static Answer lookup(ScriptedPeer peer, Packet packet) {
		if (packet.header().procedure() == RemoteProcedure.NETWORK_LOOKUP_BY_NAME.number()) {
			String name = new XdrDecoder(packet.payload()).readString();
			if (name.equals("missing")) {
				return Answer.error(new RemoteError(43, 19,
						"Network not found: no network with matching name 'missing'", 2, "missing", null, null, 0, 0));
			}
			return Answer.ok(new XdrEncoder().writeString(name).writeUuid(NET_UUID));
		}
		return null;
	}

	private static List<Packet> drain(ScriptedPeer peer) {
		List<Packet> packets = new ArrayList<>();
		peer.received.drainTo(packets);
		return packets;
	}

	@Test
	void handshakeThenCall() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.withHandshake(RpcClientTests::lookup));
				LibvirtClient client = LibvirtClient.connect(peer.uri(), OPTIONS)) {
			assertThat(client.networkLookupByName("default"))
				.isEqualTo(new RemoteObjects.NetworkRef("default", NET_UUID));
			List<Packet> packets = drain(peer);
			assertThat(packets).extracting((p) -> p.header().procedure()).containsExactly(66, 1, 60, 46); // AUTH_LIST,
																											// CONNECT_OPEN,
																											// SUPPORTS_FEATURE(keepalive),
																											// lookup
			assertThat(packets).allSatisfy((p) -> {
				assertThat(p.header().program()).isEqualTo(0x20008086);
				assertThat(p.header().version()).isEqualTo(1);
				assertThat(p.header().type()).isEqualTo(MessageType.CALL);
			});
			assertThat(packets).extracting((p) -> p.header().serial()).doesNotHaveDuplicates();
			XdrDecoder open = new XdrDecoder(packets.get(1).payload());
			assertThat(open.readOptionalString()).isEqualTo("network:///system");
			assertThat(open.readInt()).isZero();
			XdrDecoder feature = new XdrDecoder(packets.get(2).payload());
			assertThat(feature.readInt()).isEqualTo(10); // VIR_DRV_FEATURE_PROGRAM_KEEPALIVE
		}
	}

	@Test
	void remoteErrorBecomesTypedExceptionWithLibvirtsCode() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.withHandshake(RpcClientTests::lookup));
				LibvirtClient client = LibvirtClient.connect(peer.uri(), OPTIONS)) {
			assertThatExceptionOfType(LibvirtObjectNotFoundException.class)
				.isThrownBy(() -> client.networkLookupByName("missing"))
				.satisfies((ex) -> {
					assertThat(ex.code()).isEqualTo(ErrorCode.NO_NETWORK);
					assertThat(ex.libvirtErrorNumber()).isEqualTo(43);
					assertThat(ex.libvirtErrorDomain()).isEqualTo(19);
				})
				.withMessageContaining("no network with matching name 'missing'")
				.withMessageContaining(peer.uri());
			// the connection survives an error reply
			client.networkLookupByName("default");
			assertThat(client.rpc().connectionCount()).isEqualTo(1);
		}
	}

	@Test
	void unknownLibvirtErrorNumberKeepsItsNumber() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.withHandshake(
				(p, packet) -> Answer.error(new RemoteError(108, 10, "no hostname", 2, null, null, null, 0, 0))));
				LibvirtClient client = LibvirtClient.connect(peer.uri(), OPTIONS)) {
			assertThatExceptionOfType(LibvirtRemoteException.class).isThrownBy(client::libVersion).satisfies((ex) -> {
				assertThat(ex.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
				assertThat(ex.libvirtErrorNumber()).isEqualTo(108);
			});
		}
	}

	@Test
	void keepalivePingIsAnsweredWithPong() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.withHandshake(RpcClientTests::lookup));
				LibvirtClient client = LibvirtClient.connect(peer.uri(), OPTIONS)) {
			client.networkLookupByName("default");
			drain(peer);
			ScriptedPeer.send(peer.connections.get(0), new Packet(new MessageHeader(Programs.KEEPALIVE, 1,
					Programs.KEEPALIVE_PING, MessageType.MESSAGE, 0, MessageStatus.OK), new byte[0]));
			Packet pong = peer.received.poll(5, TimeUnit.SECONDS);
			assertThat(pong).isNotNull();
			assertThat(pong.header()).isEqualTo(new MessageHeader(Programs.KEEPALIVE, 1, Programs.KEEPALIVE_PONG,
					MessageType.MESSAGE, 0, MessageStatus.OK));
			assertThat(pong.payload()).isEmpty();
		}
	}

	@Test
	void eventsBetweenRepliesAreIgnored() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.withHandshake((p, packet) -> {
			try {
				// an unsolicited event (procedure 315: network lifecycle) before the
				// reply
				ScriptedPeer.send(p.connections.get(0),
						new Packet(new MessageHeader(Programs.REMOTE, 1, 315, MessageType.MESSAGE, 0, MessageStatus.OK),
								new byte[] { 1, 2, 3, 4 }));
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			return lookup(p, packet);
		})); LibvirtClient client = LibvirtClient.connect(peer.uri(), OPTIONS)) {
			assertThat(client.networkLookupByName("x").name()).isEqualTo("x");
		}
	}

	@Test
	void callTimesOutAndNextCallReconnects() throws Exception {
		RpcClientOptions quick = OPTIONS.withCallTimeout(Duration.ofMillis(300));
		try (ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.withHandshake((p, packet) -> {
			String name = new XdrDecoder(packet.payload()).readString();
			return name.equals("slow") ? null : lookup(p, packet);
		})); LibvirtClient client = LibvirtClient.connect(peer.uri(), quick)) {
			assertThatExceptionOfType(RemoteTimeoutException.class).isThrownBy(() -> client.networkLookupByName("slow"))
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.OPERATION_TIMEOUT))
				.withMessageContaining("did not answer NETWORK_LOOKUP_BY_NAME within 300 ms")
				.withMessageContaining(peer.uri());
			assertThat(client.networkLookupByName("fast").name()).isEqualTo("fast");
			assertThat(client.rpc().connectionCount()).isEqualTo(2);
		}
	}

	@Test
	void lostConnectionFailsPendingCallAndNextCallReconnects() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.withHandshake((p, packet) -> {
			String name = new XdrDecoder(packet.payload()).readString();
			if (name.equals("crash")) {
				try {
					p.dropConnections();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
				return null;
			}
			return lookup(p, packet);
		})); LibvirtClient client = LibvirtClient.connect(peer.uri(), OPTIONS)) {
			client.networkLookupByName("before");
			assertThatExceptionOfType(RpcClient.ConnectionLostException.class)
				.isThrownBy(() -> client.networkLookupByName("crash"))
				.withMessageContaining("was lost")
				.withMessageContaining("give the network driver another URI");
			assertThat(client.networkLookupByName("after").name()).isEqualTo("after");
			assertThat(client.rpc().connectionCount()).isEqualTo(2);
		}
	}

	@Test
	void unreachableEndpointNamesUriTransportAndSetting() throws Exception {
		int port;
		try (ServerSocket unused = new ServerSocket(0)) {
			port = unused.getLocalPort();
		}
		String uri = "network+tcp://127.0.0.1:" + port + "/system";
		try (LibvirtClient client = LibvirtClient.connect(uri, OPTIONS)) {
			assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(client::libVersion)
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_CONNECT))
				.withMessageContaining("Cannot connect to the network driver at " + uri)
				.withMessageContaining("TCP 127.0.0.1:" + port)
				.withMessageContaining("give the network driver the URI of one that runs");
		}
	}

	@Test
	void missingUnixSocketNamesThePath() {
		String uri = "network:///system?socket=/nonexistent/qe/libvirt-sock";
		try (LibvirtClient client = LibvirtClient.connect(uri, OPTIONS)) {
			assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(client::libVersion)
				.withMessageContaining("UNIX socket /nonexistent/qe/libvirt-sock")
				.withMessageContaining(uri)
				.withMessageContaining("network driver");
		}
	}

	@Test
	void daemonRequiringSaslIsRefusedClearly() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer((p, packet) -> Answer.ok(new XdrEncoder().writeInt(1).writeInt(1)));
				LibvirtClient client = LibvirtClient.connect(peer.uri(), OPTIONS)) {
			assertThatExceptionOfType(RpcClient.AuthUnsupportedException.class).isThrownBy(client::libVersion)
				.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.AUTH_FAILED))
				.withMessageContaining("requires authentication [sasl]");
		}
	}

	@Test
	void closeSaysGoodbyeAndLaterCallsFail() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.withHandshake(RpcClientTests::lookup))) {
			LibvirtClient client = LibvirtClient.connect(peer.uri(), OPTIONS);
			client.networkLookupByName("x");
			client.close();
			assertThat(drain(peer)).extracting((p) -> p.header().procedure()).endsWith(2); // CONNECT_CLOSE
			assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(() -> client.networkLookupByName("x"))
				.withMessageContaining("is closed");
		}
	}

	@Test
	void concurrentCallsAreCorrelatedBySerial() throws Exception {
		try (ScriptedPeer peer = new ScriptedPeer(ScriptedPeer.withHandshake(RpcClientTests::lookup));
				LibvirtClient client = LibvirtClient.connect(peer.uri(), OPTIONS)) {
			List<Thread> threads = new ArrayList<>();
			List<Throwable> failures = new CopyOnWriteArrayList<>();
			for (int t = 0; t < 8; t++) {
				String name = "net" + t;
				Thread thread = new Thread(() -> {
					try {
						for (int i = 0; i < 50; i++) {
							assertThat(client.networkLookupByName(name).name()).isEqualTo(name);
						}
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
				});
				threads.add(thread);
				thread.start();
			}
			for (Thread thread : threads) {
				thread.join();
			}
			assertThat(failures).isEmpty();
			assertThat(client.rpc().connectionCount()).isEqualTo(1);
		}
	}

}
