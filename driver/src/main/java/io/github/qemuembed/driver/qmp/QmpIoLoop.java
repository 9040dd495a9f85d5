package io.github.qemuembed.driver.qmp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

import jnr.enxio.channels.NativeSelectorProvider;

/**
 * The one thread that reads and writes every {@link UnixSocketTransport} in the JVM: a
 * selector loop over jnr-enxio's native selector (poll(2) on Linux), so that an idle VM
 * costs a file descriptor, not a thread.
 * <p>
 * jnr-enxio's selector is not thread-safe: registration, interest changes and closing
 * happen only on the loop thread. Other threads hand work over with
 * {@link #execute(Runnable)}.
 */
final class QmpIoLoop implements Runnable {

	static final String THREAD_NAME = "qemu-embed-qmp-io";

	private static final System.Logger logger = System.getLogger(QmpIoLoop.class.getName());

	/**
	 * How long a socket's callers must have left it alone before the loop watches it
	 * again ({@link Handler#resumeIfIdle}); also how often the loop looks while any is
	 * suspended.
	 */
	static final int IDLE_MILLIS = 2;

	private static volatile QmpIoLoop shared;

	/** Handlers whose reads are suspended; loop thread only. */
	private final List<Handler> suspended = new ArrayList<>();

	private final Selector selector;

	private final Thread thread;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	/**
	 * Coalesces wake-ups: each one writes a byte into the selector's pipe, which must not
	 * fill up.
	 */
	private final AtomicBoolean wakeupPending = new AtomicBoolean();

	private QmpIoLoop() throws IOException {
		this.selector = NativeSelectorProvider.getInstance().openSelector();
		this.thread = new Thread(this, THREAD_NAME);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * The loop shared by every client, started on first use; it lives as long as the JVM
	 * (a daemon thread).
	 */
	static QmpIoLoop shared() {
		QmpIoLoop loop = shared;
		if (loop == null) {
			synchronized (QmpIoLoop.class) {
				loop = shared;
				if (loop == null) {
					try {
						loop = new QmpIoLoop();
					}
					catch (IOException ex) {
						throw new QmpConnectError("Cannot open a selector for QMP sockets: " + ex.getMessage(), ex);
					}
					shared = loop;
				}
			}
		}
		return loop;
	}

	/** Runs {@code task} on the loop thread, after the tasks submitted before it. */
	void execute(Runnable task) {
		this.tasks.add(task);
		if (Thread.currentThread() != this.thread && this.wakeupPending.compareAndSet(false, true)) {
			this.selector.wakeup();
		}
	}

	boolean inLoop() {
		return Thread.currentThread() == this.thread;
	}

	/**
	 * Whether the calling thread is the shared loop's thread (false if the loop was never
	 * started).
	 */
	static boolean isLoopThread() {
		QmpIoLoop loop = shared;
		return loop != null && loop.inLoop();
	}

	/** Registers {@code channel} (already non-blocking); loop thread only. */
	SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
		assert inLoop();
		return channel.register(this.selector, ops, handler);
	}

	@Override
	public void run() {
		while (true) {
			try {
				runTasks();
				this.selector.select(this.suspended.isEmpty() ? 0 : IDLE_MILLIS);
				this.wakeupPending.set(false);
				Iterator<SelectionKey> selected = this.selector.selectedKeys().iterator();
				while (selected.hasNext()) {
					SelectionKey key = selected.next();
					selected.remove();
					dispatch(key);
				}
				resumeIdle();
			}
			catch (Throwable ex) {
				// The loop serves every VM: it must survive anything one of them does.
				logger.log(Level.ERROR, "Unexpected error in the QMP I/O loop", ex);
			}
		}
	}

	/**
	 * Records that {@code handler} stopped watching for reads; the loop asks it to resume
	 * until it does. Loop thread only.
	 */
	void suspended(Handler handler) {
		assert inLoop();
		this.suspended.add(handler);
	}

	private void resumeIdle() {
		if (!this.suspended.isEmpty()) {
			long now = System.nanoTime();
			this.suspended.removeIf((handler) -> handler.resumeIfIdle(now));
		}
	}

	private void runTasks() {
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			try {
				task.run();
			}
			catch (Throwable ex) {
				logger.log(Level.ERROR, "Unexpected error in a QMP I/O task", ex);
			}
		}
	}

	private void dispatch(SelectionKey key) {
		if (!key.isValid()) {
			return;
		}
		Handler handler = (Handler) key.attachment();
		try {
			int ready = key.readyOps();
			if ((ready & SelectionKey.OP_READ) != 0) {
				handler.onReadable();
			}
			if (key.isValid() && (ready & SelectionKey.OP_WRITE) != 0) {
				handler.onWritable();
			}
		}
		catch (Throwable ex) {
			handler.onFailure(ex);
		}
	}

	/**
	 * What a registered channel's owner does when the channel is ready. Called on the
	 * loop thread only.
	 */
	interface Handler {

		void onReadable() throws IOException;

		void onWritable() throws IOException;

		/** A handler method threw: close the channel and report. */
		void onFailure(Throwable ex);

		/**
		 * Called while the handler's reads are suspended ({@link #suspended}): resumes
		 * them if nobody else reads any more.
		 * @param now {@link System#nanoTime()}
		 * @return whether the handler no longer needs asking (resumed or closed)
		 */
		boolean resumeIfIdle(long now);

	}

}
