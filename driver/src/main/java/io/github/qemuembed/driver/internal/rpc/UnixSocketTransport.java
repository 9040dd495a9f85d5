package io.github.qemuembed.driver.internal.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;

import io.github.qemuembed.driver.internal.io.ChannelStreams;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;

/**
 * A daemon's UNIX socket, through jnr-unixsocket. The streams read and write the channel
 * directly: {@code Channels.newInputStream} would hold the channel's blocking lock during
 * a blocked read and starve the writer, and this connection reads and writes from
 * different threads.
 */
final class UnixSocketTransport implements RpcTransport {

	private final Path socket;

	public UnixSocketTransport(Path socket) {
		this.socket = socket;
	}

	public Path socket() {
		return this.socket;
	}

	@Override
	public RpcChannel open(Duration connectTimeout) throws IOException {
		// connect(2) on a UNIX socket does not wait for the peer: it succeeds or fails at
		// once
		UnixSocketChannel channel = UnixSocketChannel.open(new UnixSocketAddress(this.socket.toFile()));
		return new UnixChannel(channel);
	}

	@Override
	public String describe() {
		return "UNIX socket " + this.socket;
	}

	private static final class UnixChannel implements RpcChannel {

		private final ChannelStreams streams;

		UnixChannel(UnixSocketChannel channel) {
			this.streams = ChannelStreams.over(channel);
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
