package io.github.qemuembed.driver.internal.rpc;

/**
 * Program numbers and versions of libvirt's RPC ({@code remote_protocol.x},
 * {@code virkeepaliveprotocol.x}).
 */
final class Programs {

	/** {@code REMOTE_PROGRAM}: the driver API. */
	public static final int REMOTE = 0x20008086;

	/** {@code REMOTE_PROTOCOL_VERSION}. */
	public static final int REMOTE_VERSION = 1;

	/** {@code KEEPALIVE_PROGRAM} ("keep" in ASCII). */
	public static final int KEEPALIVE = 0x6b656570;

	/** {@code KEEPALIVE_PROTOCOL_VERSION}. */
	public static final int KEEPALIVE_VERSION = 1;

	/** {@code KEEPALIVE_PROC_PING}. */
	public static final int KEEPALIVE_PING = 1;

	/** {@code KEEPALIVE_PROC_PONG}. */
	public static final int KEEPALIVE_PONG = 2;

	private Programs() {
	}

}
