package io.github.qemuembed.driver.qmp;

/**
 * Receives what QEMU says without being asked: events, and the end of the connection.
 * <p>
 * Both methods run on the thread that reads the connection: for UNIX sockets that is the
 * I/O thread shared by every {@link QmpClient} in the JVM (see {@link QmpClient}), for a
 * {@link StreamTransport} its reader thread. They must return quickly and never block,
 * never call {@link QmpClient#execute} (that would wait for a reply that only this thread
 * can read): hand the work to an executor of your own. An exception thrown here is logged
 * and otherwise ignored.
 */
@FunctionalInterface
public interface QmpEventListener {

	/** A listener that ignores everything. */
	QmpEventListener NONE = (event) -> {
	};

	/**
	 * An event arrived; events are delivered in the order QEMU sent them, interleaved
	 * correctly with replies.
	 */
	void onEvent(QmpEvent event);

	/**
	 * The connection ended without {@link QmpClient#close()} having been called: QEMU
	 * exited, crashed, closed the monitor, or sent something the client refused (an
	 * over-long message). Called at most once, after every pending call has been failed
	 * with {@code cause}.
	 * @param cause why the connection ended; its cause, if any, is the underlying I/O
	 * error
	 */
	default void onDisconnect(QmpProtocolError cause) {
	}

}
