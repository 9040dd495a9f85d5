package io.github.qemuembed.driver.internal.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;

import io.github.qemuembed.driver.internal.io.ChannelStreams;
import io.github.qemuembed.driver.internal.io.UnixSockets;

/**
 * A daemon's UNIX socket, through the driver's UNIX-socket utility: its streams read and
 * write the channel directly ({@code Channels.newInputStream} would hold the channel's
 * blocking lock during a blocked read and starve the writer, and this connection reads
 * and writes from different threads), see {@link ChannelStreams}.
 */
final class UnixRpcTransport implements RpcTransport {

	private final Path socket;

	public UnixRpcTransport(Path socket) {
		this.socket = socket;
	}

	public Path socket() {
		return this.socket;
	}

	@Override
	public RpcChannel open(Duration connectTimeout) throws IOException {
		return new UnixChannel(UnixSockets.open(this.socket));
	}

	@Override
	public String describe() {
		return "UNIX socket " + this.socket;
	}

	private static final class UnixChannel implements RpcChannel {

		private final ChannelStreams streams;

		UnixChannel(ChannelStreams streams) {
			this.streams = streams;
		}

		@Override
		public InputStream input() {
			return this.streams.input();
		}

		@Override
		public OutputStream output() {
			return this.streams.output();
		}

		@Override
		public void close() throws IOException {
			this.streams.close();
		}

	}

}
