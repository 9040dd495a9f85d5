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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import io.github.qemuembed.driver.internal.io.Poll;
import io.github.qemuembed.driver.internal.io.UnixSockets;
import jnr.unixsocket.UnixSocketChannel;

import org.jspecify.annotations.Nullable;

/**
 * A {@link QmpTransport} over a UNIX stream socket (jnr-unixsocket), served by the
 * JVM-wide QMP I/O thread: the channel is non-blocking and registered with one shared
 * selector, so any number of idle connections cost no thread. Can pass file descriptors
 * (SCM_RIGHTS). Connecting and descriptor passing are the driver's one UNIX-socket
 * utility ({@link UnixSockets}); this class adds the non-blocking I/O on the shared loop.
 * <p>
 * Reads normally happen on the loop thread. A caller blocked on a reply may read instead
 * ({@link #readOnCaller}): whoever holds the read lock reads, so the bytes reach the
 * receiver once and in order, and the caller wakes straight from the socket rather than
 * from the loop thread.
 */
public final class UnixSocketTransport implements QmpTransport, QmpIoLoop.Handler {

	/** sun_path holds 108 bytes including the terminating NUL. */
	public static final int MAX_SOCKET_PATH_BYTES = UnixSockets.MAX_PATH_BYTES;

	private static final System.Logger logger = System.getLogger(UnixSocketTransport.class.getName());

	/**
	 * Small on purpose: jnr-unixsocket reads into a new heap buffer of the destination's
	 * remaining size on every read, and zeroing 64 KiB per reply cost more than the JSON
	 * work; a large message just takes several reads.
	 */
	private static final int READ_BUFFER_SIZE = 8 * 1024;

	/** Reads per readiness notification before giving the other connections a turn. */
	private static final int MAX_READS_PER_TURN = 16;

	private static final long LOCK_SPIN_NANOS = 200_000;

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

	/**
	 * Guards reading: the read buffer, the channel's reads, the delivery to the receiver
	 * and {@link #closed}. Held by the loop thread or by a caller reading its own reply;
	 * the descriptor is closed under it, so that no read reaches a reused descriptor.
	 */
	private final ReentrantLock readLock = new ReentrantLock();

	private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_SIZE);

	private volatile boolean closed;

	/**
	 * Callers waiting in {@link #readOnCaller}: when the loop thread delivers bytes while
	 * one waits, it signals {@link #wakeFd}, since the bytes the caller waits for may be
	 * among them.
	 */
	private final AtomicInteger waitingCallers = new AtomicInteger();

	/**
	 * An eventfd that ends callers' waits, opened on the first {@link #readOnCaller};
	 * closed with the channel, under the read lock. -1 until then.
	 */
	private volatile int wakeFd = -1;

	/** When a caller last stopped waiting on the socket ({@link System#nanoTime()}). */
	private volatile long callerActivity;

	/** Set once by {@link #start} on the loop thread; read by callers too. */
	private volatile @Nullable Receiver receiver;

	// Confined to the loop thread.

	private SelectionKey key;

	private boolean writeInterest;

	private boolean readsSuspended;

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
					wantWrite(true);
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
					this.loop.execute(() -> wantWrite(true));
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
		if (this.waitingCallers.get() > 0 || !this.readLock.tryLock()) {
			// a caller waits for these bytes or is reading them: it delivers them, and
			// this thread stops watching while callers keep the socket busy
			suspendReads();
			return;
		}
		boolean ended;
		try {
			ended = readAvailable(this.receiver);
			if (this.waitingCallers.get() > 0 && this.wakeFd >= 0) {
				Poll.wake(this.wakeFd);
			}
		}
		finally {
			this.readLock.unlock();
		}
		if (ended) {
			closeWith(null);
		}
	}

	/**
	 * For a caller blocked on a reply: waits up to {@code timeoutMillis} for bytes and,
	 * if no other thread is reading, reads and delivers them on the calling thread. The
	 * end of the stream and errors are handed to the loop thread, which closes and
	 * reports.
	 * @param done whether the caller has what it waits for; checked after the caller
	 * announced its wait, so that a delivery by the loop thread either is seen here or
	 * wakes the wait
	 * @return whether the caller may go on reading this way; false once the transport is
	 * closed or ending, or another thread reads (the caller then waits for the loop
	 * thread's delivery)
	 */
	boolean readOnCaller(int timeoutMillis, BooleanSupplier done) {
		Receiver target = this.receiver;
		if (this.closed || target == null) {
			return false;
		}
		int wake = wakeFd();
		if (wake < 0) {
			return false;
		}
		int ready;
		this.waitingCallers.incrementAndGet();
		try {
			if (done.getAsBoolean()) {
				return true;
			}
			ready = Poll.await(this.channel.getFD(), wake, timeoutMillis);
		}
		finally {
			this.waitingCallers.decrementAndGet();
			this.callerActivity = System.nanoTime();
		}
		if (ready == 0) {
			return !this.closed;
		}
		if (!lockWhileLoopReads()) {
			return false;
		}
		try {
			if (this.closed) {
				return false;
			}
			if ((ready & Poll.WOKEN) != 0) {
				Poll.drain(wake);
			}
			if ((ready & Poll.SOCKET) != 0 && readAvailable(target)) {
				this.loop.execute(() -> closeWith(null));
				return false;
			}
			return true;
		}
		catch (IOException | RuntimeException ex) {
			this.loop.execute(() -> closeWith(ex));
			return false;
		}
		finally {
			this.readLock.unlock();
		}
	}

	/**
	 * Takes the read lock, waiting briefly while the loop thread holds it: the loop
	 * thread was woken by the same bytes and is delivering them, which takes
	 * microseconds; spinning through that is cheaper than parking and being woken.
	 */
	private boolean lockWhileLoopReads() {
		if (this.readLock.tryLock()) {
			return true;
		}
		long deadline = System.nanoTime() + LOCK_SPIN_NANOS;
		do {
			Thread.onSpinWait();
			if (this.readLock.tryLock()) {
				return true;
			}
		}
		while (System.nanoTime() < deadline);
		return false;
	}

	/** The eventfd for callers' waits, opened on first use; -1 if closed or refused. */
	private int wakeFd() {
		int fd = this.wakeFd;
		if (fd >= 0) {
			return fd;
		}
		this.readLock.lock();
		try {
			if (this.wakeFd < 0 && !this.closed) {
				this.wakeFd = Poll.openWakeFd();
			}
			return this.closed ? -1 : this.wakeFd;
		}
		catch (IOException ex) {
			logger.log(Level.DEBUG, () -> "Replies on " + this.path + " go through the I/O thread: " + ex.getMessage());
			return -1;
		}
		finally {
			this.readLock.unlock();
		}
	}

	/** Whether the calling thread is the loop thread that serves this transport. */
	boolean onLoopThread() {
		return this.loop.inLoop();
	}

	/** Runs {@code task} on the loop thread (the thread receivers expect). */
	void executeOnLoop(Runnable task) {
		this.loop.execute(task);
	}

	/**
	 * Reads and delivers what has arrived; caller holds the read lock.
	 * @return whether the stream ended
	 */
	private boolean readAvailable(Receiver target) throws IOException {
		for (int i = 0; i < MAX_READS_PER_TURN && !this.closed; i++) {
			this.readBuffer.clear();
			int count = this.channel.read(this.readBuffer);
			if (count < 0) {
				return true;
			}
			if (count == 0) {
				return false;
			}
			boolean drained = this.readBuffer.hasRemaining();
			this.readBuffer.flip();
			target.onData(this.readBuffer);
			if (drained) {
				// a short read took everything there was: asking again would cost a
				// system call that finds nothing (the next bytes wake the poll anyway)
				return false;
			}
		}
		return false;
	}

	@Override
	public void onWritable() throws IOException {
		boolean done;
		synchronized (this.writeLock) {
			done = this.writesClosed || flush();
		}
		wantWrite(!done);
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

	/** Whether the loop waits for the socket to take more bytes; loop thread only. */
	private void wantWrite(boolean write) {
		this.writeInterest = write;
		updateInterest();
	}

	private void updateInterest() {
		int ops = (this.readsSuspended ? 0 : SelectionKey.OP_READ) | (this.writeInterest ? SelectionKey.OP_WRITE : 0);
		if (this.key != null && this.key.isValid() && this.key.interestOps() != ops) {
			this.key.interestOps(ops);
		}
	}

	/**
	 * Stops the loop thread watching for bytes while callers wait for them themselves, so
	 * that the two do not race for every reply (the loser's wake-up would be the hand-off
	 * this saves); loop thread only. The loop resumes watching once no caller has waited
	 * for {@value QmpIoLoop#IDLE_MILLIS} ms ({@link #resumeIfIdle}): resuming after every
	 * call would cost a wake-up of the loop per call, and callers read whatever arrives
	 * while they wait, events included.
	 */
	private void suspendReads() {
		if (!this.readsSuspended) {
			this.readsSuspended = true;
			updateInterest();
			this.loop.suspended(this);
		}
	}

	@Override
	public boolean resumeIfIdle(long now) {
		if (this.closed) {
			return true;
		}
		if (this.waitingCallers.get() > 0
				|| now - this.callerActivity < TimeUnit.MILLISECONDS.toNanos(QmpIoLoop.IDLE_MILLIS)) {
			return false;
		}
		this.readsSuspended = false;
		updateInterest();
		return true;
	}

	private void closeWith(Throwable cause) {
		this.readLock.lock();
		try {
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
			if (this.wakeFd >= 0) {
				Poll.close(this.wakeFd);
			}
		}
		finally {
			this.readLock.unlock();
		}
		Receiver target = this.receiver;
		if (target != null) {
			try {
				target.onClosed(cause);
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
