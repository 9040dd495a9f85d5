package io.github.qemuembed.driver.internal.rpc;

/** libvirt's {@code virNetMessageStatus}. */
enum MessageStatus {

	OK(0), ERROR(1), CONTINUE(2);

	private final int number;

	MessageStatus(int number) {
		this.number = number;
	}

	public int number() {
		return this.number;
	}

	public static MessageStatus ofNumber(int number) {
		for (MessageStatus status : values()) {
			if (status.number == number) {
				return status;
			}
		}
		throw new RemoteProtocolException("Unknown RPC message status " + number);
	}

}
