package io.github.qemuembed.driver.qmp;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * A byte stream to and from one QMP server, kept apart from the protocol so that the same
 * {@link QmpClient} works over a UNIX socket ({@link UnixSocketTransport}) or QEMU's
 * standard streams ({@link StreamTransport}, for {@code -qmp stdio}).
 * <p>
 * Implementations must be safe for use from several threads, and {@link #send} must not
 * block: it queues the bytes and returns.
 */
public interface QmpTransport {

	/**
	 * Starts delivering received bytes to {@code receiver}. Called once, before any
	 * {@link #send}.
	 */
	void start(Receiver receiver);

	/**
	 * Queues {@code message} for sending, after everything queued before it.
	 * @param message the bytes; the transport takes ownership of the buffer
	 * @param fd a file descriptor to pass along with the first bytes of the message
	 * (SCM_RIGHTS), or {@code -1}; it must stay open until the message has been sent (the
	 * reply to it has arrived)
	 * @throws UnsupportedOperationException if {@code fd >= 0} and
	 * {@link #canPassFileDescriptors()} is false
	 */
	void send(ByteBuffer message, int fd);

	/** Whether {@link #send} can pass file descriptors (only UNIX sockets can). */
	boolean canPassFileDescriptors();

	/**
	 * Closes the stream; {@link Receiver#onClosed} follows (unless it already happened).
	 * Idempotent.
	 */
	void close();

	/**
	 * Where a transport delivers what it reads. Methods are called by one thread at a
	 * time, in order.
	 */
	interface Receiver {

		/** Bytes arrived; {@code data} is only valid during the call. */
		void onData(ByteBuffer data);

		/**
		 * The stream ended; called exactly once, after the last {@link #onData}.
		 * @param cause the I/O error that ended it, or {@code null} for an orderly end
		 * (the peer closed, or {@link QmpTransport#close()} was called)
		 */
		void onClosed(@Nullable Throwable cause);

	}

}
