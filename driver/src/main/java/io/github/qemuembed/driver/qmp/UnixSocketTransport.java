package io.github.qemuembed.driver.qmp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.internal.io.UnixSockets;
import jnr.unixsocket.UnixSocketChannel;

import org.jspecify.annotations.Nullable;

/**
 * A {@link QmpTransport} over a UNIX stream socket (jnr-unixsocket), served by the
 * JVM-wide QMP I/O thread: the channel is non-blocking and registered with one shared
 * selector, so any number of idle connections cost no thread. Can pass file descriptors
 * (SCM_RIGHTS). Connecting and descriptor passing are the driver's one UNIX-socket
 * utility ({@link UnixSockets}); this class adds the non-blocking I/O on the shared loop.
 */
public final class UnixSocketTransport implements QmpTransport, QmpIoLoop.Handler {

	/** sun_path holds 108 bytes including the terminating NUL. */
	public static final int MAX_SOCKET_PATH_BYTES = UnixSockets.MAX_PATH_BYTES;

	private static final System.Logger logger = System.getLogger(UnixSocketTransport.class.getName());

	private static final int READ_BUFFER_SIZE = 64 * 1024;

	/** Reads per readiness notification before giving the other connections a turn. */
	private static final int MAX_READS_PER_TURN = 16;

	private final Path path;

	private final UnixSocketChannel channel;

	private final QmpIoLoop loop;

	/**
	 * Guards {@link #outgoing}, every write to the channel and its close. A sender writes
	 * on its own thread when nothing is queued (waking the loop thread for each command
	 * cost a thread hand-off per round trip), and the loop thread writes what did not fit
	 * once the socket is writable again; the close takes the lock so that no write can
	 * reach a descriptor number the kernel has handed to another file.
	 */
	private final Object writeLock = new Object();

	private final ArrayDeque<Outgoing> outgoing = new ArrayDeque<>();

	private boolean writesClosed;

	// Everything below is confined to the loop thread.

	private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);

	private Receiver receiver;

	private SelectionKey key;

	private boolean closed;

	private UnixSocketTransport(Path path, UnixSocketChannel channel) {
		this.path = path;
		this.channel = channel;
		this.loop = QmpIoLoop.shared();
	}

	/**
	 * Connects to the socket at {@code path}, retrying while it does not exist yet or
	 * refuses (QEMU creates and listens on it shortly after it starts), until
	 * {@code timeout} has passed.
	 * @throws QmpConnectError if no connection was accepted in time (its cause a
	 * {@link QmpTimeoutError}); the message carries the last error
	 * @throws QmpInterruptedError if the calling thread was interrupted
	 * @throws IllegalArgumentException if the path is too long for a UNIX socket address
	 */
	public static UnixSocketTransport connect(Path path, Duration timeout) {
		return connect(path, timeout, null);
	}

	/**
	 * Like {@link #connect(Path, Duration)}, but gives up as soon as {@code server} has
	 * exited: a QEMU that dies at start-up (a bad argument, a missing file) is reported
	 * at once instead of after the timeout.
	 * @param server the process expected to listen on the socket, or {@code null}
	 * @throws QmpConnectError if {@code server} exited first
	 */
	public static UnixSocketTransport connect(Path path, Duration timeout, @Nullable ProcessHandle server) {
		Objects.requireNonNull(path, "path");
		String name = UnixSockets.address(path);
		long deadline = System.nanoTime() + timeout.toNanos();
		long pauseMillis = 1;
		while (true) {
			IOException failure;
			UnixSocketChannel channel = null;
			try {
				channel = UnixSockets.connect(path);
				channel.configureBlocking(false);
				return new UnixSocketTransport(path, channel);
			}
			catch (IOException ex) {
				failure = ex;
				UnixSockets.closeQuietly(channel);
			}
			if (server != null && !server.isAlive()) {
				throw new QmpConnectError("the emulator (pid " + server.pid() + ") exited before its QMP socket " + name
						+ " accepted a connection", failure);
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				String message = "QMP socket " + name + " did not accept a connection within " + timeout.toMillis()
						+ " ms (last error: " + failure.getMessage() + ")";
				throw new QmpConnectError(message, new QmpTimeoutError(message, failure));
			}
			sleep(Math.min(pauseMillis, TimeUnit.NANOSECONDS.toMillis(remaining) + 1));
			pauseMillis = Math.min(pauseMillis * 2, 50);
		}
	}

	/** The socket this transport is connected to. */
	public Path path() {
		return this.path;
	}

	@Override
	public void start(Receiver receiver) {
		Objects.requireNonNull(receiver, "receiver");
		this.loop.execute(() -> {
			if (this.receiver != null) {
				throw new IllegalStateException("Transport already started");
			}
			this.receiver = receiver;
			if (this.closed) {
				receiver.onClosed(null);
				return;
			}
			try {
				this.key = this.loop.register(this.channel, SelectionKey.OP_READ, this);
				boolean waiting;
				synchronized (this.writeLock) {
					waiting = !this.outgoing.isEmpty();
				}
				if (waiting) {
					interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
				}
			}
			catch (IOException | RuntimeException ex) {
				closeWith(ex);
			}
		});
	}

	@Override
	public void send(ByteBuffer message, int fd) {
		Objects.requireNonNull(message, "message");
		Outgoing item = new Outgoing(message, fd);
		synchronized (this.writeLock) {
			if (this.writesClosed) {
				return;
			}
			this.outgoing.add(item);
			if (this.outgoing.size() > 1) {
				return; // behind bytes the loop thread is waiting to write: they go first
			}
			try {
				if (!flush()) {
					this.loop.execute(() -> interest(SelectionKey.OP_READ | SelectionKey.OP_WRITE));
				}
			}
			catch (IOException | RuntimeException ex) {
				this.loop.execute(() -> closeWith(ex));
			}
		}
	}

	@Override
	public boolean canPassFileDescriptors() {
		return true;
	}

	@Override
	public void close() {
		this.loop.execute(() -> closeWith(null));
	}

	@Override
	public void onReadable() throws IOException {
		for (int i = 0; i < MAX_READS_PER_TURN && !this.closed; i++) {
			this.readBuffer.clear();
			int count = this.channel.read(this.readBuffer);
			if (count < 0) {
				closeWith(null);
				return;
			}
			if (count == 0) {
				return;
			}
			this.readBuffer.flip();
			this.receiver.onData(this.readBuffer);
		}
	}

	@Override
	public void onWritable() throws IOException {
		boolean done;
		synchronized (this.writeLock) {
			done = this.writesClosed || flush();
		}
		interest(done ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
	}

	@Override
	public void onFailure(Throwable ex) {
		closeWith(ex);
	}

	/**
	 * Writes queued messages until done or the socket is full; caller holds the write
	 * lock.
	 * @return whether everything was written (false: wait until the socket is writable)
	 */
	private boolean flush() throws IOException {
		while (!this.outgoing.isEmpty()) {
			Outgoing item = this.outgoing.peek();
			if (item.fd >= 0) {
				int sent = UnixSockets.sendWithDescriptor(this.channel, item.data, item.fd);
				if (sent > 0) {
					// The descriptor went with these bytes; the rest of the message
					// follows as plain data.
					item.fd = -1;
					item.data.position(item.data.position() + sent);
				}
			}
			else {
				this.channel.write(item.data);
			}
			if (item.data.hasRemaining()) {
				return false;
			}
			this.outgoing.poll();
		}
		return true;
	}

	private void interest(int ops) {
		if (this.key != null && this.key.isValid() && this.key.interestOps() != ops) {
			this.key.interestOps(ops);
		}
	}

	private void closeWith(Throwable cause) {
		if (this.closed) {
			return;
		}
		this.closed = true;
		if (this.key != null) {
			this.key.cancel();
		}
		synchronized (this.writeLock) {
			this.writesClosed = true;
			this.outgoing.clear();
			UnixSockets.closeQuietly(this.channel);
		}
		if (this.receiver != null) {
			try {
				this.receiver.onClosed(cause);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "QMP receiver failed while handling the end of " + this.path, ex);
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			throw QmpInterruptedError.restoring("interrupted while connecting to a QMP socket", ex);
		}
	}

	@Override
	public String toString() {
		return "UnixSocketTransport[" + this.path + "]";
	}

	private static final class Outgoing {

		final ByteBuffer data;

		int fd;

		Outgoing(ByteBuffer data, int fd) {
			this.data = data;
			this.fd = fd;
		}

	}

}
