package io.github.qemuembed.driver.internal.rpc;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.github.qemuembed.driver.error.SecondaryDriverException;

/**
 * One open connection: a reader thread takes packets off the stream, completes the
 * pending call with the same serial, and answers the daemon's keepalive PINGs with PONGs.
 * Writers share a lock, so calls from many threads are interleaved packet by packet and
 * correlated by serial.
 *
 * <p>
 * When the stream ends or breaks, every pending call fails and the connection stays
 * closed; {@link RpcClient} opens a new one on the next call.
 */
final class RpcConnection {

	private static final System.Logger logger = System.getLogger(RpcConnection.class.getName());

	private static final AtomicInteger threadIds = new AtomicInteger();

	/** Keepalive PINGs answered on this connection (diagnostics). */
	private final AtomicLong pongs = new AtomicLong();

	private final RpcChannel channel;

	private final String endpoint;

	private final Map<Integer, CompletableFuture<Packet>> pending = new ConcurrentHashMap<>();

	private final AtomicInteger serials = new AtomicInteger();

	private final Object writeLock = new Object();

	private final Thread reader;

	private final Function<Throwable, SecondaryDriverException> lostError;

	private volatile Throwable closedBy;

	RpcConnection(RpcChannel channel, String endpoint, Function<Throwable, SecondaryDriverException> lostError) {
		this.channel = channel;
		this.endpoint = endpoint;
		this.lostError = lostError;
		this.reader = new Thread(this::readLoop, "libvirt-rpc-" + threadIds.incrementAndGet() + " " + endpoint);
		this.reader.setDaemon(true);
	}

	void start() {
		this.reader.start();
	}

	boolean isOpen() {
		return this.closedBy == null;
	}

	/**
	 * Sends a call; the future completes with the reply packet (any status) or fails if
	 * the connection is lost.
	 */
	CompletableFuture<Packet> call(int program, int version, int procedure, byte[] payload) {
		int serial = this.serials.incrementAndGet();
		CompletableFuture<Packet> reply = new CompletableFuture<>();
		this.pending.put(serial, reply);
		Throwable closed = this.closedBy;
		if (closed != null) {
			this.pending.remove(serial);
			reply.completeExceptionally(this.lostError.apply(closed));
			return reply;
		}
		try {
			send(new Packet(MessageHeader.call(program, version, procedure, serial), payload));
		}
		catch (IOException ex) {
			this.pending.remove(serial);
			close(ex);
			reply.completeExceptionally(this.lostError.apply(ex));
		}
		return reply;
	}

	/** Forgets a call whose caller gave up waiting, so that a late reply is dropped. */
	void abandon(CompletableFuture<Packet> reply) {
		this.pending.values().remove(reply);
	}

	private void send(Packet packet) throws IOException {
		byte[] frame = packet.encode();
		synchronized (this.writeLock) {
			OutputStream out = this.channel.output();
			out.write(frame);
			out.flush();
		}
	}

	private void readLoop() {
		try {
			while (isOpen()) {
				Packet packet = Packet.read(this.channel.input());
				dispatch(packet);
			}
		}
		catch (IOException | RuntimeException ex) {
			if (isOpen()) {
				if (ex instanceof EOFException) {
					logger.log(Level.DEBUG, "libvirt daemon at {0} closed the connection", this.endpoint);
				}
				else {
					logger.log(Level.DEBUG, "Connection to libvirt daemon at {0} failed: {1}", this.endpoint,
							ex.toString());
				}
			}
			close(ex);
		}
	}

	long keepalivesAnswered() {
		return this.pongs.get();
	}

	private void dispatch(Packet packet) throws IOException {
		MessageHeader header = packet.header();
		if (header.program() == Programs.KEEPALIVE) {
			if (header.procedure() == Programs.KEEPALIVE_PING) {
				// the daemon closes connections that stop answering its pings
				send(new Packet(new MessageHeader(Programs.KEEPALIVE, Programs.KEEPALIVE_VERSION,
						Programs.KEEPALIVE_PONG, MessageType.MESSAGE, 0, MessageStatus.OK), new byte[0]));
				this.pongs.incrementAndGet();
			}
			return;
		}
		if (header.program() != Programs.REMOTE) {
			throw new RemoteProtocolException(
					"Unexpected RPC program 0x" + Integer.toHexString(header.program()) + " from " + this.endpoint);
		}
		if (header.type() == MessageType.REPLY) {
			CompletableFuture<Packet> reply = this.pending.remove(header.serial());
			if (reply != null) {
				reply.complete(packet);
			}
			else {
				logger.log(Level.DEBUG, "Dropping reply to an abandoned call from {0}: {1}", this.endpoint, header);
			}
		}
		// MESSAGE (events) and STREAM packets: this client registers for neither
	}

	/** Closes the stream and fails the pending calls with the given cause. */
	void close(Throwable cause) {
		synchronized (this) {
			if (this.closedBy != null) {
				return;
			}
			this.closedBy = cause;
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			logger.log(Level.DEBUG, "Closing connection to {0}: {1}", this.endpoint, ex.toString());
		}
		SecondaryDriverException error = this.lostError.apply(cause);
		this.pending.values().forEach((reply) -> reply.completeExceptionally(error));
		this.pending.clear();
	}

}
