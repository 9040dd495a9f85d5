package io.github.qemuembed.driver.internal.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

import jnr.unixsocket.UnixSocketChannel;

/**
 * Streams over a blocking UNIX socket that one thread may read while another writes and a
 * third closes.
 * <p>
 * Two things {@link java.nio.channels.Channels} does not give for a jnr channel:
 * <ul>
 * <li>Reads and writes at the same time: for a selectable channel
 * {@code Channels.newInputStream} and {@code newOutputStream} both synchronize on its
 * blocking lock, so a read waiting for data would hold up every write.</li>
 * <li>A close that cannot hit another file. jnr closes the descriptor number at once and
 * does not stop a thread that is about to {@code read(2)} it; if the kernel hands the
 * number to a file opened meanwhile, that thread reads (and consumes) the other file's
 * bytes. This happened: a console pump read a snapshot's metadata file that the driver
 * was reading back, which then parsed as empty. The JDK's own channels guard against
 * this; here every read and write holds a shared lock, and {@link #close()} shuts the
 * socket down (which ends pending reads and writes), waits for them, and only then closes
 * the descriptor.</li>
 * </ul>
 */
public final class ChannelStreams implements Closeable {

	/**
	 * How long a close waits for a read or write the shutdown did not end (a peer that
	 * never disconnects).
	 */
	private static final long CLOSE_WAIT_SECONDS = 5;

	private final UnixSocketChannel channel;

	private final ReentrantReadWriteLock inUse = new ReentrantReadWriteLock();

	private volatile boolean closed;

	private final InputStream input = new GuardedInput();

	private final OutputStream output = new GuardedOutput();

	private ChannelStreams(UnixSocketChannel channel) {
		this.channel = channel;
	}

	/**
	 * Streams over {@code channel}, which must be in blocking mode; close them, not the
	 * channel.
	 */
	public static ChannelStreams over(UnixSocketChannel channel) {
		return new ChannelStreams(channel);
	}

	/**
	 * What the peer sends; end of stream once the peer or {@link #close()} ended the
	 * connection.
	 */
	public InputStream input() {
		return this.input;
	}

	/** To the peer; fails with {@link ClosedChannelException} after {@link #close()}. */
	public OutputStream output() {
		return this.output;
	}

	/**
	 * Ends the connection: wakes a thread blocked reading or writing, waits until no
	 * thread is inside {@code read(2)} or {@code write(2)} any more, then closes the
	 * descriptor. Idempotent.
	 */
	@Override
	public void close() throws IOException {
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			this.channel.shutdownInput();
			this.channel.shutdownOutput();
		}
		catch (IOException ex) {
			// already disconnected: pending calls have returned, closing is all that is
			// left
		}
		Lock exclusive = this.inUse.writeLock();
		boolean locked = false;
		try {
			locked = exclusive.tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		try {
			// without the lock a thread is still blocked after the shutdown; the
			// descriptor is closed anyway
			// rather than leaked, and that thread's call fails with EBADF or returns
			this.channel.close();
		}
		finally {
			if (locked) {
				exclusive.unlock();
			}
		}
	}

	private final class GuardedInput extends InputStream {

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
			Lock shared = ChannelStreams.this.inUse.readLock();
			shared.lock();
			try {
				int n;
				do {
					if (ChannelStreams.this.closed) {
						return -1;
					}
					n = ChannelStreams.this.channel.read(ByteBuffer.wrap(b, off, len));
				}
				while (n == 0);
				return n;
			}
			finally {
				shared.unlock();
			}
		}

	}

	private final class GuardedOutput extends OutputStream {

		@Override
		public void write(int b) throws IOException {
			write(new byte[] { (byte) b }, 0, 1);
		}

		@Override
		public void write(byte[] b, int off, int len) throws IOException {
			Lock shared = ChannelStreams.this.inUse.readLock();
			shared.lock();
			try {
				ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
				while (buffer.hasRemaining()) {
					if (ChannelStreams.this.closed) {
						throw new ClosedChannelException();
					}
					ChannelStreams.this.channel.write(buffer);
				}
			}
			finally {
				shared.unlock();
			}
		}

	}

}
