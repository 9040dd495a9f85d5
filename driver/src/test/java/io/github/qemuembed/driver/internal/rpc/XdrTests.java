package io.github.qemuembed.driver.internal.rpc;

import java.util.HexFormat;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class XdrTests {

	private static String hex(XdrEncoder encoder) {
		return HexFormat.of().formatHex(encoder.toByteArray());
	}

	private static XdrDecoder decoder(String hex) {
		return new XdrDecoder(HexFormat.of().parseHex(hex));
	}

	@Test
	void intsAreBigEndian() {
		assertThat(hex(new XdrEncoder().writeInt(1).writeInt(-2).writeInt(0x20008086)))
			.isEqualTo("00000001" + "fffffffe" + "20008086");
	}

	@Test
	void unsignedIntUsesAllThirtyTwoBits() {
		assertThat(hex(new XdrEncoder().writeUnsignedInt(0xFFFF_FFFEL))).isEqualTo("fffffffe");
		assertThat(decoder("fffffffe").readUnsignedInt()).isEqualTo(0xFFFF_FFFEL);
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> new XdrEncoder().writeUnsignedInt(-1));
	}

	@Test
	void hyperIsEightBytesHighWordFirst() {
		assertThat(hex(new XdrEncoder().writeHyper(0x0102030405060708L))).isEqualTo("0102030405060708");
		assertThat(decoder("ffffffffffffffff").readHyper()).isEqualTo(-1L);
		assertThat(decoder("0000000100000000").readHyper()).isEqualTo(1L << 32);
	}

	@Test
	void stringHasLengthThenBytesPaddedToFour() {
		assertThat(hex(new XdrEncoder().writeString("abcde"))).isEqualTo("00000005" + "6162636465" + "000000");
		assertThat(hex(new XdrEncoder().writeString("abcd"))).isEqualTo("00000004" + "61626364");
		assertThat(hex(new XdrEncoder().writeString(""))).isEqualTo("00000000");
	}

	@Test
	void stringIsUtf8() {
		assertThat(hex(new XdrEncoder().writeString("é"))).isEqualTo("00000002" + "c3a9" + "0000");
		assertThat(decoder("00000002c3a90000").readString()).isEqualTo("é");
	}

	@Test
	void optionalStringIsAPointer() {
		assertThat(hex(new XdrEncoder().writeOptionalString(null))).isEqualTo("00000000");
		assertThat(hex(new XdrEncoder().writeOptionalString("x"))).isEqualTo("00000001" + "00000001" + "78000000");
		assertThat(decoder("00000000").readOptionalString()).isNull();
		assertThat(decoder("000000010000000178000000").readOptionalString()).isEqualTo("x");
	}

	@Test
	void uuidIsSixteenRawBytes() {
		UUID uuid = UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
		assertThat(hex(new XdrEncoder().writeUuid(uuid))).isEqualTo("00112233445566778899aabbccddeeff");
		assertThat(decoder("00112233445566778899aabbccddeeff").readUuid()).isEqualTo(uuid);
	}

	@Test
	void variableOpaqueIsPadded() {
		assertThat(hex(new XdrEncoder().writeOpaque(new byte[] { 1, 2, 3, 4, 5, 6 })))
			.isEqualTo("00000006" + "010203040506" + "0000");
		assertThat(decoder("00000006010203040506" + "0000").readOpaque(10)).containsExactly(1, 2, 3, 4, 5, 6);
	}

	@Test
	void booleanIsAnInt() {
		assertThat(hex(new XdrEncoder().writeBoolean(true).writeBoolean(false))).isEqualTo("0000000100000000");
		assertThatExceptionOfType(RemoteProtocolException.class).isThrownBy(() -> decoder("00000002").readBoolean());
	}

	@Test
	void roundTripOfMixedValues() {
		byte[] bytes = new XdrEncoder().writeInt(7)
			.writeString("pool")
			.writeHyper(-5)
			.writeOptionalString(null)
			.toByteArray();
		XdrDecoder decoder = new XdrDecoder(bytes);
		assertThat(decoder.readInt()).isEqualTo(7);
		assertThat(decoder.readString()).isEqualTo("pool");
		assertThat(decoder.readHyper()).isEqualTo(-5);
		assertThat(decoder.readOptionalString()).isNull();
		decoder.requireFullyRead();
	}

	@Test
	void truncatedDataFails() {
		assertThatExceptionOfType(RemoteProtocolException.class).isThrownBy(() -> decoder("000000").readInt())
			.withMessageContaining("ends before its int");
		assertThatExceptionOfType(RemoteProtocolException.class)
			.isThrownBy(() -> decoder("0000000861626364").readString())
			.withMessageContaining("opaque[8]");
	}

	@Test
	void lengthAboveTheLimitFailsWithoutAllocating() {
		assertThatExceptionOfType(RemoteProtocolException.class).isThrownBy(() -> decoder("7fffffff").readOpaque(65536))
			.withMessageContaining("exceeds the limit of 65536");
		assertThatExceptionOfType(RemoteProtocolException.class).isThrownBy(() -> decoder("ffffffff").readString())
			.withMessageContaining("4294967295");
	}

	@Test
	void trailingBytesAreReported() {
		XdrDecoder decoder = decoder("0000000100000002");
		decoder.readInt();
		assertThatExceptionOfType(RemoteProtocolException.class).isThrownBy(decoder::requireFullyRead)
			.withMessageContaining("4 unexpected trailing bytes");
	}

}
