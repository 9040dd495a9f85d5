package io.github.qemuembed.driver.internal.rpc;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.util.HexFormat;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PacketTests {

	@Test
	void callIsLengthHeaderPayload() {
		// REMOTE_PROC_NETWORK_LOOKUP_BY_NAME("br") with serial 5
		byte[] payload = new XdrEncoder().writeString("br").toByteArray();
		Packet packet = new Packet(
				MessageHeader.call(Programs.REMOTE, 1, RemoteProcedure.NETWORK_LOOKUP_BY_NAME.number(), 5), payload);
		assertThat(HexFormat.of().formatHex(packet.encode())).isEqualTo("00000024" // 36
																					// bytes
																					// in
																					// all
				+ "20008086" + "00000001" + "0000002e" // program, version, procedure 46
				+ "00000000" + "00000005" + "00000000" // CALL, serial 5, OK
				+ "00000002" + "62720000"); // "br"
	}

	@Test
	void keepalivePongHasNoPayload() {
		Packet pong = new Packet(new MessageHeader(Programs.KEEPALIVE, 1, Programs.KEEPALIVE_PONG, MessageType.MESSAGE,
				0, MessageStatus.OK), new byte[0]);
		assertThat(HexFormat.of().formatHex(pong.encode()))
			.isEqualTo("0000001c" + "6b656570" + "00000001" + "00000002" + "00000002" + "00000000" + "00000000");
	}

	@Test
	void readsWhatItWrites() throws Exception {
		Packet reply = new Packet(new MessageHeader(Programs.REMOTE, 1, 66, MessageType.REPLY, 9, MessageStatus.ERROR),
				new byte[] { 0, 0, 0, 1 });
		Packet read = Packet.read(new ByteArrayInputStream(reply.encode()));
		assertThat(read.header()).isEqualTo(reply.header());
		assertThat(read.payload()).containsExactly(0, 0, 0, 1);
	}

	@Test
	void cleanEndOfStreamIsEof() {
		assertThatExceptionOfType(EOFException.class)
			.isThrownBy(() -> Packet.read(new ByteArrayInputStream(new byte[0])))
			.withMessage("Connection closed by the daemon");
	}

	@Test
	void endInsideAPacketIsReported() {
		byte[] truncated = HexFormat.of().parseHex("0000001c6b656570");
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> Packet.read(new ByteArrayInputStream(truncated)))
			.withMessageContaining("in the middle of a packet");
	}

	@Test
	void implausibleLengthIsRejected() {
		// e.g. an HTTP server answering: "HTTP" read as a length
		byte[] http = "HTTP/1.1 400".getBytes();
		assertThatExceptionOfType(RemoteProtocolException.class)
			.isThrownBy(() -> Packet.read(new ByteArrayInputStream(http)))
			.withMessageContaining("is this endpoint a libvirt daemon?");
	}

	@Test
	void unknownTypeIsRejected() {
		byte[] bad = HexFormat.of()
			.parseHex("0000001c" + "20008086" + "00000001" + "00000001" + "00000009" + "00000000" + "00000000");
		assertThatExceptionOfType(RemoteProtocolException.class)
			.isThrownBy(() -> Packet.read(new ByteArrayInputStream(bad)))
			.withMessageContaining("Unknown RPC message type 9");
	}

	@Test
	void remoteErrorDecodesAllFields() {
		XdrEncoder encoder = new XdrEncoder().writeInt(43)
			.writeInt(19)
			.writeOptionalString("Network not found")
			.writeInt(2)
			.writeBoolean(true) // a dom, which decoders must skip
			.writeString("vm")
			.writeUuid(UUID.randomUUID())
			.writeInt(-1)
			.writeOptionalString("a")
			.writeOptionalString(null)
			.writeOptionalString("c")
			.writeInt(4)
			.writeInt(5)
			.writeBoolean(false);
		XdrDecoder decoder = new XdrDecoder(encoder.toByteArray());
		RemoteError error = RemoteError.decode(decoder);
		decoder.requireFullyRead();
		assertThat(error).isEqualTo(new RemoteError(43, 19, "Network not found", 2, "a", null, "c", 4, 5));
	}

}
