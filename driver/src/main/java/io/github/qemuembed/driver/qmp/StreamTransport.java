package io.github.qemuembed.driver.qmp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link QmpTransport} over a pair of byte streams, typically the standard output and
 * input of a QEMU started with {@code -qmp stdio} ({@link Process#getInputStream()} and
 * {@link Process#getOutputStream()}).
 * <p>
 * Pipes are not selectable, so this transport costs two daemon threads while open: one
 * blocked reading, one writing queued messages (so that {@link #send} never blocks, even
 * when QEMU stops reading). It cannot pass file descriptors. {@link #close()} cannot
 * interrupt a read blocked on a pipe: the reading thread ends when QEMU closes its end
 * (exits). Prefer {@link UnixSocketTransport} for long-lived monitors.
 */
public final class StreamTransport implements QmpTransport {

	private static final System.Logger logger = System.getLogger(StreamTransport.class.getName());

	private static final ByteBuffer END = ByteBuffer.allocate(0);

	private final InputStream input;

	private final OutputStream output;

	private final String name;

	private final LinkedBlockingQueue<ByteBuffer> outgoing = new LinkedBlockingQueue<>();

	private final AtomicBoolean started = new AtomicBoolean();

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile Receiver receiver;

	/**
	 * A write error, reported by the reading thread so that the receiver only ever hears
	 * from one thread.
	 */
	private volatile IOException writeFailure;

	/**
	 * @param input what QEMU writes (its standard output)
	 * @param output what QEMU reads (its standard input)
	 * @param name how the transport appears in messages and thread names
	 */
	public StreamTransport(InputStream input, OutputStream output, String name) {
		this.input = Objects.requireNonNull(input, "input");
		this.output = Objects.requireNonNull(output, "output");
		this.name = Objects.requireNonNull(name, "name");
	}

	@Override
	public void start(Receiver receiver) {
		Objects.requireNonNull(receiver, "receiver");
		if (!this.started.compareAndSet(false, true)) {
			throw new IllegalStateException("Transport already started");
		}
		this.receiver = receiver;
		daemon(this::readLoop, "qemu-embed-qmp-read-" + this.name).start();
		daemon(this::writeLoop, "qemu-embed-qmp-write-" + this.name).start();
	}

	@Override
	public void send(ByteBuffer message, int fd) {
		if (fd >= 0) {
			throw new UnsupportedOperationException("A stream transport cannot pass file descriptors");
		}
		if (!this.closed.get()) {
			this.outgoing.add(message);
		}
	}

	@Override
	public boolean canPassFileDescriptors() {
		return false;
	}

	@Override
	public void close() {
		if (this.closed.compareAndSet(false, true)) {
			this.outgoing.add(END);
			closeQuietly(this.input);
			if (!this.started.get()) {
				closeQuietly(this.output);
			}
		}
	}

	private void readLoop() {
		byte[] buffer = new byte[64 * 1024];
		Throwable failure = null;
		try {
			int count;
			while ((count = this.input.read(buffer)) >= 0) {
				this.receiver.onData(ByteBuffer.wrap(buffer, 0, count));
			}
		}
		catch (IOException | RuntimeException ex) {
			failure = this.closed.get() ? null : ex;
		}
		close();
		report((this.writeFailure != null) ? this.writeFailure : failure);
	}

	private void writeLoop() {
		try {
			while (true) {
				ByteBuffer message = this.outgoing.take();
				if (message == END) {
					break;
				}
				this.output.write(message.array(), message.arrayOffset() + message.position(), message.remaining());
				this.output.flush();
			}
		}
		catch (IOException ex) {
			if (!this.closed.get()) {
				this.writeFailure = ex;
				close();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		closeQuietly(this.output);
	}

	private void report(Throwable cause) {
		try {
			this.receiver.onClosed(cause);
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "QMP receiver failed while handling the end of " + this, ex);
		}
	}

	private static Thread daemon(Runnable task, String name) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		return thread;
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// nothing left to do with it
		}
	}

	@Override
	public String toString() {
		return "StreamTransport[" + this.name + "]";
	}

}
