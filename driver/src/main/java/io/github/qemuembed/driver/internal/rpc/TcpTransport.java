package io.github.qemuembed.driver.internal.rpc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** Plain TCP to a daemon started with {@code --listen} and {@code auth_tcp = "none"}. */
final class TcpTransport implements RpcTransport {

	private final String host;

	private final int port;

	public TcpTransport(String host, int port) {
		this.host = host;
		this.port = port;
	}

	@Override
	public RpcChannel open(Duration connectTimeout) throws IOException {
		Socket socket = new Socket();
		try {
			socket.setTcpNoDelay(true);
			socket.setKeepAlive(true);
			socket.connect(new InetSocketAddress(this.host, this.port), (int) Math.max(1, connectTimeout.toMillis()));
		}
		catch (IOException ex) {
			socket.close();
			throw ex;
		}
		return new SocketChannelAdapter(socket);
	}

	@Override
	public String describe() {
		return "TCP " + this.host + ":" + this.port;
	}

	private record SocketChannelAdapter(Socket socket) implements RpcChannel {

		@Override
		public InputStream input() {
			try {
				return this.socket.getInputStream();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public OutputStream output() {
			try {
				return this.socket.getOutputStream();
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
