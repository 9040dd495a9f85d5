package io.github.qemuembed.driver.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import io.github.qemuembed.driver.DomainConsole;
import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;

/**
 * The live serial console: a connection to the UNIX socket that QEMU's serial chardev listens on.
 * QEMU also writes everything the guest prints to the domain log itself, so nothing is lost while
 * nobody is connected. QEMU serves one console client at a time.
 */
final class SocketConsole implements DomainConsole {

	private final UnixSocketChannel channel;

	private final InputStream output;

	private final OutputStream input;

	private SocketConsole(UnixSocketChannel channel) {
		this.channel = channel;
		// not Channels.newInputStream/newOutputStream: those synchronize on the channel's blocking lock, so a
		// read waiting for guest output would block every write of input
		this.output = new InputStream() {

			@Override
			public int read() throws IOException {
				byte[] one = new byte[1];
				int n = read(one, 0, 1);
				return (n < 0) ? -1 : (one[0] & 0xff);
			}

			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				if (len == 0) {
					return 0;
				}
				int n = channel.read(ByteBuffer.wrap(b, off, len));
				return (n == 0) ? read(b, off, len) : n;
			}

			@Override
			public void close() throws IOException {
				channel.close();
			}

		};
		this.input = new OutputStream() {

			@Override
			public void write(int b) throws IOException {
				write(new byte[] { (byte) b }, 0, 1);
			}

			@Override
			public void write(byte[] b, int off, int len) throws IOException {
				ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
			}

			@Override
			public void close() throws IOException {
				channel.close();
			}

		};
	}

	static SocketConsole connect(Path socket) {
		try {
			return new SocketConsole(UnixSocketChannel.open(new UnixSocketAddress(socket.toFile())));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot connect to the console at " + socket + ": " + ex.getMessage(), ex);
		}
	}

	@Override
	public InputStream output() {
		return this.output;
	}

	@Override
	public OutputStream input() {
		return this.input;
	}

	@Override
	public void close() throws IOException {
		this.channel.close();
	}

}
