package io.github.qemuembed.driver.internal.rpc;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * One RPC packet: header and XDR payload. On the wire a packet is a 4-byte big-endian
 * length (counting itself), the {@link MessageHeader} and the payload.
 */
record Packet(MessageHeader header, byte[] payload) {

	/** {@code VIR_NET_MESSAGE_MAX}: the largest packet libvirt sends or accepts. */
	public static final int MAX_LENGTH = 33_554_432;

	private static final int LENGTH_WORD = 4;

	/** The complete frame: length word, header, payload. */
	public byte[] encode() {
		int length = LENGTH_WORD + MessageHeader.SIZE + this.payload.length;
		if (length > MAX_LENGTH) {
			throw new IllegalArgumentException(
					"RPC packet of " + length + " bytes exceeds libvirt's limit of " + MAX_LENGTH);
		}
		XdrEncoder encoder = new XdrEncoder().writeInt(length);
		this.header.encode(encoder);
		byte[] frame = encoder.toByteArray();
		byte[] result = new byte[length];
		System.arraycopy(frame, 0, result, 0, frame.length);
		System.arraycopy(this.payload, 0, result, frame.length, this.payload.length);
		return result;
	}

	/** Reads one packet; {@link EOFException} when the stream ends cleanly before it. */
	public static Packet read(InputStream in) throws IOException {
		byte[] lengthWord = readFully(in, LENGTH_WORD, true);
		int length = new XdrDecoder(lengthWord).readInt();
		if (length < LENGTH_WORD + MessageHeader.SIZE || length > MAX_LENGTH) {
			throw new RemoteProtocolException("Invalid RPC packet length " + Integer.toUnsignedString(length)
					+ " (is this endpoint a libvirt daemon?)");
		}
		byte[] rest = readFully(in, length - LENGTH_WORD, false);
		XdrDecoder decoder = new XdrDecoder(rest);
		MessageHeader header = MessageHeader.decode(decoder);
		byte[] payload = new byte[decoder.remaining()];
		System.arraycopy(rest, MessageHeader.SIZE, payload, 0, payload.length);
		return new Packet(header, payload);
	}

	private static byte[] readFully(InputStream in, int length, boolean atBoundary) throws IOException {
		byte[] bytes = new byte[length];
		int read = 0;
		while (read < length) {
			int n = in.read(bytes, read, length - read);
			if (n < 0) {
				throw new EOFException((read == 0 && atBoundary) ? "Connection closed by the daemon"
						: "Connection closed by the daemon in the middle of a packet");
			}
			read += n;
		}
		return bytes;
	}

	@Override
	public String toString() {
		return this.header + " (" + this.payload.length + " payload bytes)";
	}

}
