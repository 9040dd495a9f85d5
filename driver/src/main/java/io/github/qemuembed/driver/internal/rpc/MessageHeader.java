package io.github.qemuembed.driver.internal.rpc;

/**
 * libvirt's {@code virNetMessageHeader}: six XDR words after the length word of every
 * packet.
 *
 * @param program the program ({@link Programs#REMOTE} or {@link Programs#KEEPALIVE})
 * @param version the program's version
 * @param procedure the procedure number within the program
 * @param type call, reply, message (event) or stream
 * @param serial correlates a reply with its call
 * @param status OK, ERROR (the payload is a {@code remote_error}) or CONTINUE (streams)
 */
record MessageHeader(int program, int version, int procedure, MessageType type, int serial, MessageStatus status) {

	/** Encoded size in bytes. */
	public static final int SIZE = 24;

	public static MessageHeader call(int program, int version, int procedure, int serial) {
		return new MessageHeader(program, version, procedure, MessageType.CALL, serial, MessageStatus.OK);
	}

	void encode(XdrEncoder encoder) {
		encoder.writeInt(this.program)
			.writeInt(this.version)
			.writeInt(this.procedure)
			.writeInt(this.type.number())
			.writeInt(this.serial)
			.writeInt(this.status.number());
	}

	static MessageHeader decode(XdrDecoder decoder) {
		return new MessageHeader(decoder.readInt(), decoder.readInt(), decoder.readInt(),
				MessageType.ofNumber(decoder.readInt()), decoder.readInt(), MessageStatus.ofNumber(decoder.readInt()));
	}

	@Override
	public String toString() {
		return "program 0x" + Integer.toHexString(this.program) + " v" + this.version + " procedure " + this.procedure
				+ " " + this.type + " serial " + Integer.toUnsignedString(this.serial) + " " + this.status;
	}

}
