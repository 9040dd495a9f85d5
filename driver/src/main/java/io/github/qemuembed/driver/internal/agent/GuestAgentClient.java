package io.github.qemuembed.driver.internal.agent;

import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import io.github.qemuembed.driver.error.GuestAgentException;
import io.github.qemuembed.driver.error.GuestAgentProtocolException;
import io.github.qemuembed.driver.error.GuestAgentUnresponsiveException;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.qmp.QmpError;
import io.github.qemuembed.driver.qmp.QmpInterruptedError;
import io.github.qemuembed.driver.qmp.QmpTransport;
import io.github.qemuembed.driver.qmp.UnixSocketTransport;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The QEMU guest agent's wire protocol over one connection to the host side of the
 * agent's virtio-serial channel.
 * <p>
 * <b>Protocol.</b> The agent speaks QMP-style JSON ({@code {"execute": ..., "arguments":
 * ...}}, answered by {@code {"return": ...}} or {@code {"error": {"class": ..., "desc":
 * ...}}}), without a greeting, without ids and without events. Because the channel
 * outlives the agent (the guest may start, stop or restart {@code qemu-ga} at any time,
 * and bytes written while no agent reads wait in the channel), a reply cannot be trusted
 * to belong to the last request. Before the first call, and again after any call that
 * failed to get a proper answer, the client therefore resynchronises with
 * {@code guest-sync-delimited}: it sends the byte {@code 0xFF} (which makes the agent
 * drop any half-read request) and a sync request with a random id, discards everything it
 * receives up to the agent's own {@code 0xFF}, and then drops replies until one carries
 * that id. Only then does it send commands.
 * <p>
 * <b>Timeouts.</b> Every call has one; when it passes, the call fails with
 * {@link GuestAgentUnresponsiveException} and the next call resynchronises, so a late
 * reply is never taken for another call's. An error reply fails the call with
 * {@link GuestAgentException} carrying the agent's class and description. A lost
 * connection fails the pending call with {@link GuestAgentUnresponsiveException}.
 * <p>
 * <b>Threads.</b> Calls are made one at a time (the agent answers in order); the bytes
 * are read by the shared QMP I/O thread ({@link UnixSocketTransport}), so a connection
 * costs no thread of its own. Command arguments are never logged (they carry file
 * contents and command lines).
 */
public final class GuestAgentClient implements AutoCloseable {

	/** The delimiter of {@code guest-sync-delimited}, in both directions. */
	static final byte DELIMITER = (byte) 0xFF;

	/**
	 * The largest reply accepted: a file chunk or exec output, base64-encoded, fits many
	 * times over.
	 */
	static final int MAX_REPLY_BYTES = 64 * 1024 * 1024;

	private static final System.Logger logger = System.getLogger(GuestAgentClient.class.getName());

	private static final JsonMapper JSON = JsonMapper.shared();

	private final QmpTransport transport;

	private final String description;

	/**
	 * Held for a whole call (sync included): the agent answers in order, one request at a
	 * time.
	 */
	private final ReentrantLock calls = new ReentrantLock();

	/** Guarded by {@link #calls}. */
	private boolean synced;

	private final Object lock = new Object();

	// Guarded by lock.

	private Expectation pending;

	private boolean discarding;

	private GuestAgentUnresponsiveException closed;

	private final ByteArrayOutputStream line = new ByteArrayOutputStream();

	private boolean lineTooLong;

	private GuestAgentClient(QmpTransport transport, String description) {
		this.transport = transport;
		this.description = description;
	}

	/**
	 * Connects to the UNIX socket of an agent channel ({@code <channel type='unix'>},
	 * which QEMU serves). Does not talk to the agent yet: an absent agent shows at the
	 * first call.
	 * @throws GuestAgentUnresponsiveException if the socket does not accept a connection
	 * within {@code timeout}
	 */
	public static GuestAgentClient connect(Path socket, Duration timeout) {
		Objects.requireNonNull(socket, "socket");
		UnixSocketTransport transport;
		try {
			transport = UnixSocketTransport.connect(socket, timeout);
		}
		catch (QmpInterruptedError ex) {
			throw new OperationInterruptedException(ex.getMessage(), ex);
		}
		catch (QmpError ex) {
			throw new GuestAgentUnresponsiveException("cannot connect to the guest agent channel " + socket
					+ " (is the domain running?): " + ex.getMessage(), ex);
		}
		return over(transport, socket.toString());
	}

	/**
	 * Runs the protocol over a transport of the caller's choosing; the client owns it
	 * from now on.
	 */
	public static GuestAgentClient over(QmpTransport transport, String description) {
		GuestAgentClient client = new GuestAgentClient(Objects.requireNonNull(transport, "transport"), description);
		transport.start(client.new Receiver());
		return client;
	}

	/**
	 * Whether the connection is still open (it ends when QEMU exits or {@link #close()}
	 * is called).
	 */
	public boolean isOpen() {
		synchronized (this.lock) {
			return this.closed == null;
		}
	}

	/**
	 * Resynchronises with the agent now ({@code guest-sync-delimited}), whether or not
	 * the last call went well.
	 * @throws GuestAgentUnresponsiveException if no agent answered within {@code timeout}
	 */
	public void sync(Duration timeout) {
		long deadline = deadline(timeout);
		lockCalls(timeout, "guest-sync-delimited");
		try {
			this.synced = false;
			doSync(deadline, timeout);
		}
		finally {
			this.calls.unlock();
		}
	}

	/**
	 * Executes an agent command and returns its {@code return} member (an empty object
	 * when the agent returned nothing). Resynchronises first if needed; {@code timeout}
	 * covers that and the wait for the reply.
	 * @param arguments the {@code arguments} object, or {@code null}
	 * @throws GuestAgentException for an error reply (the agent's class and description)
	 * @throws GuestAgentUnresponsiveException if no agent answered in time or the
	 * connection ended
	 * @throws GuestAgentProtocolException if the reply was not the agent's protocol
	 */
	public JsonNode call(String command, ObjectNode arguments, Duration timeout) {
		Objects.requireNonNull(command, "command");
		long deadline = deadline(timeout);
		lockCalls(timeout, command);
		try {
			if (!this.synced) {
				doSync(deadline, timeout);
			}
			CompletableFuture<JsonNode> reply = new CompletableFuture<>();
			expect(new Expectation(command, 0, reply));
			this.transport.send(encode(command, arguments, false), -1);
			JsonNode answer = await(reply, deadline, timeout, command);
			return result(command, answer);
		}
		catch (GuestAgentUnresponsiveException | GuestAgentProtocolException ex) {
			this.synced = false;
			throw ex;
		}
		finally {
			clearExpectation();
			this.calls.unlock();
		}
	}

	/**
	 * Sends a command the agent does not answer when it succeeds
	 * ({@code guest-shutdown}), after resynchronising.
	 * @return a future that fails with {@link GuestAgentException} if the agent answers
	 * with an error after all; it never completes otherwise (until the next call replaces
	 * it)
	 * @throws GuestAgentUnresponsiveException if the agent did not answer the
	 * resynchronisation in time
	 */
	public CompletableFuture<JsonNode> send(String command, ObjectNode arguments, Duration timeout) {
		Objects.requireNonNull(command, "command");
		long deadline = deadline(timeout);
		lockCalls(timeout, command);
		try {
			this.synced = false;
			doSync(deadline, timeout);
			CompletableFuture<JsonNode> answer = new CompletableFuture<>();
			CompletableFuture<JsonNode> outcome = answer.thenApply((node) -> result(command, node));
			expect(new Expectation(command, 0, answer));
			this.transport.send(encode(command, arguments, false), -1);
			// a reply can only be an error or a success out of turn: either way, the next
			// call syncs again
			this.synced = false;
			return outcome;
		}
		finally {
			this.calls.unlock();
		}
	}

	/**
	 * Closes the connection; a pending call fails. Idempotent. Does not affect the agent.
	 */
	@Override
	public void close() {
		fail(new GuestAgentUnresponsiveException("the guest agent client for " + this.description + " was closed"));
		this.transport.close();
	}

	@Override
	public String toString() {
		return "GuestAgentClient[" + this.description + "]";
	}

	// ---- calling side ----

	private void doSync(long deadline, Duration timeout) {
		long id = ThreadLocalRandom.current().nextLong(1, 1L << 53);
		CompletableFuture<JsonNode> reply = new CompletableFuture<>();
		synchronized (this.lock) {
			// everything before the agent's delimiter is from before this sync: stale
			// replies, half lines
			this.discarding = true;
		}
		expect(new Expectation("guest-sync-delimited", id, reply));
		ObjectNode arguments = JSON.createObjectNode().put("id", id);
		this.transport.send(encode("guest-sync-delimited", arguments, true), -1);
		try {
			JsonNode answer = await(reply, deadline, timeout, "guest-sync-delimited");
			result("guest-sync-delimited", answer);
			this.synced = true;
		}
		finally {
			clearExpectation();
		}
	}

	private void expect(Expectation expectation) {
		synchronized (this.lock) {
			if (this.closed != null) {
				throw new GuestAgentUnresponsiveException(this.closed.getMessage(), this.closed);
			}
			this.pending = expectation;
		}
	}

	private void clearExpectation() {
		synchronized (this.lock) {
			this.pending = null;
		}
	}

	private JsonNode await(CompletableFuture<JsonNode> reply, long deadline, Duration timeout, String command) {
		try {
			return reply.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			throw new GuestAgentUnresponsiveException(
					"the guest agent did not answer '" + command + "' within " + timeout.toMillis() + " ms on "
							+ this.description + "; is qemu-guest-agent installed and running in the guest?",
					ex);
		}
		catch (InterruptedException ex) {
			throw OperationInterruptedException
				.restoring("interrupted while waiting for the guest agent to answer '" + command + "'", ex);
		}
		catch (ExecutionException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof GuestAgentUnresponsiveException unresponsive) {
				throw new GuestAgentUnresponsiveException(unresponsive.getMessage(), unresponsive);
			}
			if (cause instanceof GuestAgentProtocolException protocol) {
				throw new GuestAgentProtocolException(protocol.getMessage(), protocol);
			}
			throw new GuestAgentProtocolException(
					"unexpected failure of guest agent command '" + command + "': " + cause, cause);
		}
	}

	private static JsonNode result(String command, JsonNode answer) {
		JsonNode error = answer.get("error");
		if (error != null) {
			throw new GuestAgentException(command, error.path("class").asString("GenericError"),
					error.path("desc").asString(""));
		}
		JsonNode value = answer.get("return");
		if (value == null) {
			throw new GuestAgentProtocolException(
					"the guest agent answered '" + command + "' with neither 'return' nor 'error'");
		}
		return value;
	}

	private void lockCalls(Duration timeout, String command) {
		try {
			if (!this.calls.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
				throw new GuestAgentUnresponsiveException(
						"the guest agent on " + this.description + " is still busy with an earlier call; '" + command
								+ "' waited " + timeout.toMillis() + " ms for its turn");
			}
		}
		catch (InterruptedException ex) {
			throw OperationInterruptedException.restoring("interrupted while waiting to call the guest agent", ex);
		}
	}

	private static long deadline(Duration timeout) {
		if (timeout == null || timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("a guest agent call needs a positive timeout, not " + timeout);
		}
		return System.nanoTime() + timeout.toNanos();
	}

	static ByteBuffer encode(String command, ObjectNode arguments, boolean delimited) {
		ObjectNode message = JSON.createObjectNode();
		message.put("execute", command);
		if (arguments != null) {
			message.set("arguments", arguments);
		}
		byte[] json = JSON.writeValueAsBytes(message);
		int offset = delimited ? 1 : 0;
		ByteBuffer buffer = ByteBuffer.allocate(json.length + offset + 1);
		if (delimited) {
			buffer.put(DELIMITER);
		}
		buffer.put(json).put((byte) '\n').flip();
		return buffer;
	}

	// ---- receiving side (the transport's thread) ----

	private void onBytes(ByteBuffer data) {
		synchronized (this.lock) {
			while (data.hasRemaining()) {
				if (this.discarding) {
					int delimiter = indexOf(data, DELIMITER, DELIMITER);
					data.position((delimiter >= 0) ? delimiter + 1 : data.limit());
					if (delimiter >= 0) {
						this.discarding = false;
						resetLine();
					}
					continue;
				}
				int end = indexOf(data, (byte) '\n', DELIMITER);
				int stop = (end >= 0) ? end : data.limit();
				append(data, stop - data.position());
				if (end < 0) {
					return;
				}
				byte terminator = data.get();
				if (terminator == '\n' && !this.lineTooLong) {
					deliver(this.line.toByteArray());
				}
				// a delimiter from the agent means it resynchronised: whatever came
				// before it is void
				resetLine();
			}
		}
	}

	/** The index of the next {@code a} or {@code b} from the buffer's position, or -1. */
	private static int indexOf(ByteBuffer data, byte a, byte b) {
		for (int i = data.position(); i < data.limit(); i++) {
			byte value = data.get(i);
			if (value == a || value == b) {
				return i;
			}
		}
		return -1;
	}

	private void append(ByteBuffer data, int count) {
		if (this.lineTooLong) {
			data.position(data.position() + count);
			return;
		}
		if ((long) this.line.size() + count > MAX_REPLY_BYTES) {
			this.lineTooLong = true;
			this.line.reset();
			data.position(data.position() + count);
			failPending(new GuestAgentProtocolException(
					"the guest agent sent a reply longer than " + MAX_REPLY_BYTES + " bytes on " + this.description));
			return;
		}
		if (data.hasArray()) {
			this.line.write(data.array(), data.arrayOffset() + data.position(), count);
			data.position(data.position() + count);
		}
		else {
			byte[] bytes = new byte[count];
			data.get(bytes);
			this.line.write(bytes, 0, count);
		}
	}

	private void resetLine() {
		this.line.reset();
		this.lineTooLong = false;
	}

	/** Caller holds the lock. */
	private void deliver(byte[] bytes) {
		if (isBlank(bytes)) {
			return;
		}
		JsonNode message;
		try {
			message = JSON.readTree(bytes);
		}
		catch (JacksonException ex) {
			failPending(new GuestAgentProtocolException("the guest agent sent something that is not JSON on "
					+ this.description + ": " + ex.getOriginalMessage()));
			return;
		}
		Expectation expected = this.pending;
		if (message == null || !message.isObject() || expected == null) {
			logger.log(Level.DEBUG, () -> "Dropping an unexpected guest agent message on " + this.description);
			return;
		}
		if (expected.syncId != 0) {
			JsonNode value = message.get("return");
			boolean ours = value != null && value.canConvertToLong() && value.asLong() == expected.syncId;
			if (!ours && message.get("error") == null) {
				// a reply to an earlier request (a stale sync or a command that timed
				// out): not ours
				return;
			}
		}
		this.pending = null;
		expected.reply.complete(message);
	}

	private static boolean isBlank(byte[] bytes) {
		for (byte b : bytes) {
			if (b != ' ' && b != '\t' && b != '\r') {
				return false;
			}
		}
		return true;
	}

	private void failPending(GuestAgentException failure) {
		Expectation expected = this.pending;
		this.pending = null;
		if (expected != null) {
			expected.reply.completeExceptionally(failure);
		}
	}

	private void fail(GuestAgentUnresponsiveException cause) {
		synchronized (this.lock) {
			if (this.closed == null) {
				this.closed = cause;
			}
			failPending(cause);
		}
	}

	private record Expectation(String command, long syncId, CompletableFuture<JsonNode> reply) {
	}

	private final class Receiver implements QmpTransport.Receiver {

		@Override
		public void onData(ByteBuffer data) {
			onBytes(data);
		}

		@Override
		public void onClosed(Throwable cause) {
			fail(new GuestAgentUnresponsiveException(
					"the connection to the guest agent channel " + GuestAgentClient.this.description + " ended"
							+ ((cause != null) ? ": " + cause.getMessage() : " (QEMU closed it or exited)"),
					cause));
		}

	}

}
