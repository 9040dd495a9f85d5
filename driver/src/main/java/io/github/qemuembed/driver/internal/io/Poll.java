package io.github.qemuembed.driver.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

/**
 * poll(2) on a socket and an eventfd(2), for a thread that waits for a socket itself
 * instead of handing the wait to a selector thread: the QMP client's blocking callers
 * read their reply this way, which saves the hand-off from the I/O thread to the caller
 * on every round trip. The eventfd lets another thread end such a wait early (the
 * selector thread, when it read the reply first).
 */
public final class Poll {

	/**
	 * {@link #await} result bit: the socket is readable, hung up, in error or invalid.
	 */
	public static final int SOCKET = 1;

	/** {@link #await} result bit: the eventfd was signalled ({@link #wake}). */
	public static final int WOKEN = 2;

	private static final short POLLIN = 0x001;

	private static final int POLLFD_SIZE = 8;

	private static final int EVENTS_OFFSET = 4;

	private static final int REVENTS_OFFSET = 6;

	private static final int EFD_NONBLOCK = 0x800;

	private static final int EFD_CLOEXEC = 0x80000;

	/**
	 * Two {@code struct pollfd}s per thread, in native memory so that jnr passes its
	 * address.
	 */
	private static final ThreadLocal<ByteBuffer> pollfds = ThreadLocal
		.withInitial(() -> ByteBuffer.allocateDirect(2 * POLLFD_SIZE).order(ByteOrder.nativeOrder()));

	private static final ThreadLocal<ByteBuffer> counters = ThreadLocal
		.withInitial(() -> ByteBuffer.allocateDirect(Long.BYTES).order(ByteOrder.nativeOrder()));

	private Poll() {
	}

	/**
	 * Waits until {@code socket} is readable (or hung up, in error, invalid) or
	 * {@code wakeFd} was signalled, for at most {@code timeoutMillis}; a signal ends the
	 * wait early.
	 * @return a mask of {@link #SOCKET} and {@link #WOKEN}; 0 after the timeout, a signal
	 * or a failed poll
	 */
	public static int await(int socket, int wakeFd, int timeoutMillis) {
		ByteBuffer buffer = pollfds.get();
		put(buffer, 0, socket);
		put(buffer, POLLFD_SIZE, wakeFd);
		int ready = LibC.INSTANCE.poll(buffer, 2, Math.max(0, timeoutMillis));
		if (ready <= 0) {
			return 0;
		}
		return ((buffer.getShort(REVENTS_OFFSET) != 0) ? SOCKET : 0)
				| ((buffer.getShort(POLLFD_SIZE + REVENTS_OFFSET) != 0) ? WOKEN : 0);
	}

	/**
	 * A new non-blocking eventfd for {@link #wake}; close it with {@link #close}.
	 * @throws IOException if the kernel refused (out of descriptors)
	 */
	public static int openWakeFd() throws IOException {
		int fd = LibC.INSTANCE.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (fd < 0) {
			throw new IOException("eventfd failed (out of file descriptors?)");
		}
		return fd;
	}

	/** Signals {@code wakeFd}: a thread in {@link #await} on it returns. */
	public static void wake(int wakeFd) {
		ByteBuffer counter = counters.get();
		counter.putLong(0, 1);
		LibC.INSTANCE.write(wakeFd, counter, Long.BYTES);
	}

	/**
	 * Resets {@code wakeFd} after a wake-up, so that the next {@link #await} waits again.
	 */
	public static void drain(int wakeFd) {
		LibC.INSTANCE.read(wakeFd, counters.get(), Long.BYTES);
	}

	/** Closes a descriptor from {@link #openWakeFd}. */
	public static void close(int fd) {
		LibC.INSTANCE.close(fd);
	}

	private static void put(ByteBuffer buffer, int offset, int fd) {
		buffer.putInt(offset, fd);
		buffer.putShort(offset + EVENTS_OFFSET, POLLIN);
		buffer.putShort(offset + REVENTS_OFFSET, (short) 0);
	}

	/**
	 * The C library's calls used here, loaded on first use. None needs errno: not saving
	 * it spares a system call per call.
	 */
	@IgnoreError
	public interface LibC {

		LibC INSTANCE = LibraryLoader.create(LibC.class).load("c");

		int poll(@In @Out ByteBuffer fds, int nfds, int timeout);

		int eventfd(int initval, int flags);

		long write(int fd, @In ByteBuffer data, long count);

		long read(int fd, @Out ByteBuffer data, long count);

		int close(int fd);

	}

}
