package io.github.qemuembed.driver.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

import jnr.unixsocket.UnixSocketChannel;

/**
 * Streams over a blocking socket channel that can be read and written at the same time from two
 * threads. {@link java.nio.channels.Channels#newInputStream} and {@code newOutputStream} cannot: for a
 * selectable channel both synchronize on its blocking lock, so a read waiting for data would hold up
 * every write.
 */
public final class ChannelStreams {

	private ChannelStreams() {
	}

	public static InputStream input(ReadableByteChannel channel) {
		return new InputStream() {

			@Override
			public int read() throws IOException {
				byte[] one = new byte[1];
				return (read(one, 0, 1) < 0) ? -1 : (one[0] & 0xFF);
			}

			@Override
			public int read(byte[] b, int off, int len) throws IOException {
				if (len == 0) {
					return 0;
				}
				int n;
				do {
					n = channel.read(ByteBuffer.wrap(b, off, len));
				}
				while (n == 0);
				return n;
			}

		};
	}

	/**
	 * Closes a UNIX socket so that a thread blocked reading it wakes up: {@code shutdown(2)} first, which
	 * ends a pending {@code read(2)}; a plain close would leave that thread waiting.
	 */
	public static void close(UnixSocketChannel channel) throws IOException {
		try {
			channel.shutdownInput();
			channel.shutdownOutput();
		}
		catch (IOException ex) {
			// already disconnected: closing is all that is left
		}
		finally {
			channel.close();
		}
	}

	public static OutputStream output(WritableByteChannel channel) {
		return new OutputStream() {

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

		};
	}

}
