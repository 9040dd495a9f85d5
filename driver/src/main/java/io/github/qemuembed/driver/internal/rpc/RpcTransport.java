package io.github.qemuembed.driver.internal.rpc;

import java.io.IOException;
import java.time.Duration;

/** Opens byte streams to a daemon: over its UNIX socket or TCP. */
interface RpcTransport {

	RpcChannel open(Duration connectTimeout) throws IOException;

	/** Where it connects, for messages: {@code UNIX socket /run/libvirt/libvirt-sock}. */
	String describe();

	/** The transport a parsed URI asks for. */
	static RpcTransport of(LibvirtUri uri) {
		return switch (uri.transport()) {
			case UNIX -> new UnixRpcTransport(uri.socketPath());
			case TCP -> new TcpTransport(uri.host().orElseThrow(), uri.port());
		};
	}

}
