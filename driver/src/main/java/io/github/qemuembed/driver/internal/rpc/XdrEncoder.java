package io.github.qemuembed.driver.internal.rpc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Writes values in XDR (RFC 4506), the encoding of libvirt's remote protocol: big-endian
 * 4-byte units, variable-length data prefixed with its length and padded with zeros to a
 * multiple of 4.
 */
final class XdrEncoder {

	private static final byte[] PADDING = new byte[3];

	private final ByteArrayOutputStream out = new ByteArrayOutputStream(64);

	public XdrEncoder writeInt(int value) {
		this.out.write(value >>> 24);
		this.out.write(value >>> 16);
		this.out.write(value >>> 8);
		this.out.write(value);
		return this;
	}

	/** An XDR {@code unsigned int}: the low 32 bits of the value. */
	public XdrEncoder writeUnsignedInt(long value) {
		if (value < 0 || value > 0xFFFF_FFFFL) {
			throw new IllegalArgumentException("Not an unsigned 32-bit value: " + value);
		}
		return writeInt((int) value);
	}

	/** An XDR {@code hyper} or {@code unsigned hyper} (same bits). */
	public XdrEncoder writeHyper(long value) {
		writeInt((int) (value >>> 32));
		return writeInt((int) value);
	}

	public XdrEncoder writeBoolean(boolean value) {
		return writeInt(value ? 1 : 0);
	}

	/** Fixed-length opaque data: the bytes, padded. */
	public XdrEncoder writeFixedOpaque(byte[] bytes) {
		this.out.write(bytes, 0, bytes.length);
		pad(bytes.length);
		return this;
	}

	/** Variable-length opaque data: its length, the bytes, padded. */
	public XdrEncoder writeOpaque(byte[] bytes) {
		writeInt(bytes.length);
		return writeFixedOpaque(bytes);
	}

	/**
	 * A string (libvirt's {@code remote_nonnull_string}): UTF-8 bytes as variable-length
	 * data.
	 */
	public XdrEncoder writeString(String value) {
		if (value == null) {
			throw new IllegalArgumentException("A non-null string is required here");
		}
		return writeOpaque(value.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * An optional string (libvirt's {@code remote_string}, an XDR pointer): a presence
	 * flag, then the string.
	 */
	public XdrEncoder writeOptionalString(String value) {
		writeBoolean(value != null);
		return (value != null) ? writeString(value) : this;
	}

	/** A UUID as libvirt's {@code remote_uuid}: 16 raw bytes. */
	public XdrEncoder writeUuid(UUID uuid) {
		return writeFixedOpaque(Uuids.toBytes(uuid));
	}

	private void pad(int length) {
		int padding = (4 - (length & 3)) & 3;
		this.out.write(PADDING, 0, padding);
	}

	public int size() {
		return this.out.size();
	}

	public byte[] toByteArray() {
		return this.out.toByteArray();
	}

}
