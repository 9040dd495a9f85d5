package io.github.qemuembed.driver.internal.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jnr.constants.platform.Errno;
import jnr.constants.platform.SocketLevel;
import jnr.posix.CmsgHdr;
import jnr.posix.MsgHdr;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/**
 * Sends bytes with a file descriptor attached (an SCM_RIGHTS control message) through
 * jnr-posix's {@code sendmsg}: jnr-unixsocket's channel has no API for ancillary data,
 * but exposes its descriptor.
 */
final class FdPassing {

	/** {@code SCM_RIGHTS} from {@code <sys/socket.h>}; 1 on Linux and the BSDs. */
	private static final int SCM_RIGHTS = 1;

	private FdPassing() {
	}

	/**
	 * Sends as much of {@code data} as the socket takes in one {@code sendmsg}, with
	 * {@code fd} attached. Does not move {@code data}'s position.
	 * @return the number of bytes sent, 0 if the socket is full (try again when writable)
	 */
	static int send(int socketFd, ByteBuffer data, int fd) throws IOException {
		POSIX posix = Posix.INSTANCE;
		// sendmsg needs native memory: copy the (small) message into a direct buffer at
		// position 0.
		ByteBuffer payload = ByteBuffer.allocateDirect(data.remaining());
		payload.put(data.duplicate()).flip();
		MsgHdr message = posix.allocateMsgHdr();
		message.setIov(new ByteBuffer[] { payload });
		CmsgHdr control = message.allocateControl(Integer.BYTES);
		control.setLevel(SocketLevel.SOL_SOCKET.intValue());
		control.setType(SCM_RIGHTS);
		ByteBuffer fdBytes = ByteBuffer.allocate(Integer.BYTES).order(ByteOrder.nativeOrder());
		fdBytes.putInt(fd).flip();
		control.setData(fdBytes);
		int sent = posix.sendmsg(socketFd, message, 0);
		if (sent >= 0) {
			return sent;
		}
		int errno = posix.errno();
		if (errno == Errno.EAGAIN.intValue() || errno == Errno.EWOULDBLOCK.intValue()) {
			return 0;
		}
		throw new IOException("sendmsg with a file descriptor failed: " + Errno.valueOf(errno).description());
	}

	/**
	 * Loaded on first use: only clients that pass descriptors pay for binding the native
	 * library.
	 */
	private static final class Posix {

		static final POSIX INSTANCE = POSIXFactory.getNativePOSIX();

	}

}
