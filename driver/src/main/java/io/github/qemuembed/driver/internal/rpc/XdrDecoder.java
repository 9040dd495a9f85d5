package io.github.qemuembed.driver.internal.rpc;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Reads XDR (RFC 4506) values from a byte array; the counterpart of {@link XdrEncoder}.
 * Lengths are checked against what is left and against the protocol's own limits, so a
 * corrupt or hostile reply fails with a {@link RemoteProtocolException} instead of
 * allocating wildly.
 */
final class XdrDecoder {

	/** libvirt's {@code REMOTE_STRING_MAX}. */
	public static final int STRING_MAX = 4_194_304;

	private final byte[] data;

	private final int end;

	private int position;

	public XdrDecoder(byte[] data) {
		this(data, 0, data.length);
	}

	public XdrDecoder(byte[] data, int offset, int length) {
		this.data = data;
		this.position = offset;
		this.end = offset + length;
	}

	public int readInt() {
		require(4, "int");
		int value = ((this.data[this.position] & 0xFF) << 24) | ((this.data[this.position + 1] & 0xFF) << 16)
				| ((this.data[this.position + 2] & 0xFF) << 8) | (this.data[this.position + 3] & 0xFF);
		this.position += 4;
		return value;
	}

	public long readUnsignedInt() {
		return readInt() & 0xFFFF_FFFFL;
	}

	/**
	 * An XDR {@code hyper}; for {@code unsigned hyper} use
	 * {@link Long#toUnsignedString(long)} to print it.
	 */
	public long readHyper() {
		long high = readInt() & 0xFFFF_FFFFL;
		long low = readInt() & 0xFFFF_FFFFL;
		return (high << 32) | low;
	}

	public boolean readBoolean() {
		int value = readInt();
		if (value != 0 && value != 1) {
			throw new RemoteProtocolException("Invalid XDR boolean " + value);
		}
		return value == 1;
	}

	public byte[] readFixedOpaque(int length) {
		int padded = (length + 3) & ~3;
		require(padded, "opaque[" + length + "]");
		byte[] bytes = new byte[length];
		System.arraycopy(this.data, this.position, bytes, 0, length);
		this.position += padded;
		return bytes;
	}

	public byte[] readOpaque(int max) {
		int length = readInt();
		if (length < 0 || length > max) {
			throw new RemoteProtocolException(
					"XDR data length " + Integer.toUnsignedString(length) + " exceeds the limit of " + max);
		}
		return readFixedOpaque(length);
	}

	public String readString() {
		return new String(readOpaque(STRING_MAX), StandardCharsets.UTF_8);
	}

	/** An optional string (an XDR pointer): {@code null} when absent. */
	public String readOptionalString() {
		return readBoolean() ? readString() : null;
	}

	public UUID readUuid() {
		return Uuids.fromBytes(readFixedOpaque(16));
	}

	/** Bytes not read yet. */
	public int remaining() {
		return this.end - this.position;
	}

	/**
	 * Fails when a reply carries more than its type describes (a sign of a mismatched
	 * procedure).
	 */
	public void requireFullyRead() {
		if (remaining() != 0) {
			throw new RemoteProtocolException(remaining() + " unexpected trailing bytes in an XDR message");
		}
	}

	private void require(int bytes, String what) {
		if (bytes < 0 || this.end - this.position < bytes) {
			throw new RemoteProtocolException(
					"XDR message ends before its " + what + " (" + remaining() + " bytes left, " + bytes + " needed)");
		}
	}

}
