package io.github.qemuembed.driver.internal.rpc;

/** libvirt's {@code virNetMessageType}. */
enum MessageType {

	CALL(0), REPLY(1), MESSAGE(2), STREAM(3), CALL_WITH_FDS(4), REPLY_WITH_FDS(5), STREAM_HOLE(6);

	private final int number;

	MessageType(int number) {
		this.number = number;
	}

	public int number() {
		return this.number;
	}

	public static MessageType ofNumber(int number) {
		for (MessageType type : values()) {
			if (type.number == number) {
				return type;
			}
		}
		throw new RemoteProtocolException("Unknown RPC message type " + number);
	}

}
