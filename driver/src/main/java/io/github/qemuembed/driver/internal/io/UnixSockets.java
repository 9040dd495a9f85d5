package io.github.qemuembed.driver.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import jnr.unixsocket.UnixSocketAddress;
import jnr.unixsocket.UnixSocketChannel;

/**
 * The driver's one way to reach a UNIX stream socket (QMP monitors, the guest agent,
 * serial consoles, libvirt daemons), through jnr-unixsocket: the path check, the
 * connection, streams whose close cannot hit a reused descriptor
 * ({@link ChannelStreams}), and sending a file descriptor with data (SCM_RIGHTS).
 */
public final class UnixSockets {

	/** sun_path holds 108 bytes including the terminating NUL. */
	public static final int MAX_PATH_BYTES = 107;

	private UnixSockets() {
	}

	/**
	 * The absolute path of a socket as an address.
	 * @throws IllegalArgumentException if it is too long for a UNIX socket address; the
	 * message says to shorten the root directory
	 */
	public static String address(Path socket) {
		String name = socket.toAbsolutePath().toString();
		if (name.getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
			throw new IllegalArgumentException("UNIX socket path is longer than " + MAX_PATH_BYTES + " bytes: " + name
					+ "; use a shorter root directory");
		}
		return name;
	}

	/**
	 * Connects a blocking channel to the socket at {@code socket}. connect(2) on a UNIX
	 * socket does not wait for the peer: it succeeds or fails at once.
	 * @throws IOException if nothing listens there, or the path is too long (the message
	 * says so)
	 */
	public static UnixSocketChannel connect(Path socket) throws IOException {
		String name;
		try {
			name = address(socket);
		}
		catch (IllegalArgumentException ex) {
			throw new IOException(ex.getMessage(), ex);
		}
		return UnixSocketChannel.open(new UnixSocketAddress(name));
	}

	/**
	 * Connects to {@code socket} for blocking reads and writes from different threads;
	 * close the streams, which guard against descriptor reuse.
	 * @throws IOException as {@link #connect(Path)}
	 */
	public static ChannelStreams open(Path socket) throws IOException {
		return ChannelStreams.over(connect(socket));
	}

	/**
	 * Sends as much of {@code data} as the socket takes in one {@code sendmsg}, with
	 * {@code fd} attached as an SCM_RIGHTS message. Does not move {@code data}'s
	 * position.
	 * @return the number of bytes sent, 0 if a non-blocking socket is full (try again
	 * when writable)
	 */
	public static int sendWithDescriptor(UnixSocketChannel channel, ByteBuffer data, int fd) throws IOException {
		return FdPassing.send(channel.getFD(), data, fd);
	}

	/** Closes a channel that is no longer wanted, if any. */
	public static void closeQuietly(UnixSocketChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// nothing left to do with it
			}
		}
	}

}
