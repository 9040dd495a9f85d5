package io.github.qemuembed.driver.qmp;

import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.internal.io.JsonTrees;
import io.github.qemuembed.driver.observation.DriverObserver;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A client for the QEMU Machine Protocol on one monitor.
 * <p>
 * <b>Protocol.</b> {@link #connect} reads the greeting, negotiates capabilities (none are
 * enabled) and returns a ready client. A reply is the answer to the one command in flight
 * (see below), so commands carry no {@code id}: the order of replies attributes them, and
 * QEMU's monitor reads a command one byte per turn of its loop, so an {@code id}'s dozen
 * bytes cost some 40 µs of a 200 µs round trip. An error reply fails the call with
 * {@link QmpExecuteError} carrying QMP's error class and description; a call that gets no
 * reply in time fails with {@link QmpTimeoutError}, and its reply, should it come later,
 * is discarded. When the connection ends, every pending call fails with a
 * {@link QmpProtocolError}, and the listener learns of it (unless {@link #close()} ended
 * it). A caller interrupted while it waits gets {@link QmpInterruptedError}, its
 * interrupt status set again. All of them are {@link QmpError}s: the client has its own
 * small error hierarchy, like QEMU's Python QMP library, and no dependency on the
 * driver's errors. Events are delivered to the {@link QmpEventListener} whenever they
 * arrive, also between a command and its reply.
 * <p>
 * <b>One command at a time.</b> Commands of one client are sent strictly one after the
 * other, in the order they were submitted: the next is written only when the previous
 * one's reply has arrived; other callers queue. QEMU runs a monitor's commands one at a
 * time anyway (without the {@code oob} capability, which is not enabled, it stops reading
 * the monitor until the current command is done), so pipelining would gain nothing and
 * would only let a slow command's followers pile up in QEMU's socket buffer, beyond the
 * reach of their callers' timeouts. It is a queue rather than a lock so that order holds
 * (B submitted before C runs before C, even when both wait for A) and so that a caller
 * can leave it: a command whose caller gave up before it was sent is never sent (a
 * {@code cont} nobody waits for any more must not run later). One that was already sent
 * keeps its turn until QEMU answers it and the answer is dropped, so that nothing
 * overtakes it, and its late reply is never taken for the next command's. Kata's govmm
 * queues its commands the same way, for the same reasons.
 * <p>
 * <b>Threads.</b> Clients over UNIX sockets
 * ({@link #connect(Path, QmpClientOptions, QmpEventListener)}) do not own threads: all of
 * them share one daemon I/O thread ({@value QmpIoLoop#THREAD_NAME}, a selector loop), and
 * all timeouts share one daemon timer thread ({@value #TIMER_THREAD_NAME}). Fifty idle
 * VMs therefore cost two threads in total, not fifty. Listener callbacks, and the
 * completion of the futures returned by {@link #executeAsync}, run on those shared
 * threads: they must not block. Use the {@code ...Async} stage methods with an executor
 * of your own for anything slow. The blocking {@code execute} methods may be called from
 * any other thread, concurrently; called on the I/O thread they fail at once with
 * {@link IllegalStateException}. On a UNIX socket, a blocking caller reads its own reply
 * from the socket for up to {@value #DIRECT_READ_MILLIS} ms rather than waiting for the
 * I/O thread to hand it over (one wake-up per round trip instead of two); events it reads
 * on the way are still delivered on the I/O thread, in order, once it has its reply or
 * stops waiting on the socket (so at most that long after they arrived). While callers
 * keep a socket busy the I/O thread leaves it to them, and watches it again once they
 * have left it alone for a few milliseconds: an event or an asynchronous reply that
 * arrives in that moment, with no caller waiting, reaches its listener or future that
 * much later.
 * <p>
 * Command arguments are never logged (they may hold secrets); command names are, at
 * {@code DEBUG}.
 */
public final class QmpClient implements AutoCloseable {

	static final String TIMER_THREAD_NAME = "qemu-embed-qmp-timeouts";

	private static final System.Logger logger = System.getLogger(QmpClient.class.getName());

	/** A command name JSON carries as it is (QAPI names are of these characters). */
	private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9_.+-]+");

	/**
	 * How long a blocking caller waits on the socket itself before it leaves the reply to
	 * the I/O thread: long enough for a typical command's reply, short enough that
	 * interrupts (which poll(2) does not see) are noticed soon.
	 */
	private static final int DIRECT_READ_MILLIS = 20;

	private final QmpTransport transport;

	private final QmpClientOptions options;

	private final QmpEventListener listener;

	private final LineSplitter lines;

	/** The transport when blocking callers may read their own replies from it. */
	private final @Nullable UnixSocketTransport directReads;

	/**
	 * Events in the order they were read, delivered on the I/O thread only: a caller that
	 * read an event with its reply hands the delivery there.
	 */
	private final ConcurrentLinkedQueue<QmpEvent> events = new ConcurrentLinkedQueue<>();

	private final CompletableFuture<QmpGreeting> ready = new CompletableFuture<>();

	private final Object lock = new Object();

	// Guarded by lock.

	private final ArrayDeque<Request> queue = new ArrayDeque<>();

	private Request inFlight;

	private QmpProtocolError disconnected;

	private boolean closedByClient;

	private boolean disconnectReported;

	private final List<Consumer<QmpProtocolError>> disconnectCallbacks = new ArrayList<>();

	// Touched only by the thread the transport delivers on (the I/O thread, or a caller
	// reading its reply under the transport's read lock), one at a time.

	private RuntimeException protocolFailure;

	private volatile QmpGreeting greeting;

	/**
	 * The context of the thread that connected: the parent of {@code qmp_capabilities},
	 * which the I/O thread sends when the greeting arrives; dropped then, so that the
	 * client does not keep the connecting operation alive. Written before the transport
	 * starts, then confined to its receiving thread.
	 */
	private DriverObserver.Context connectContext;

	private QmpClient(QmpTransport transport, QmpClientOptions options, QmpEventListener listener) {
		this.transport = Objects.requireNonNull(transport, "transport");
		this.options = Objects.requireNonNull(options, "options");
		this.listener = Objects.requireNonNull(listener, "listener");
		this.lines = new LineSplitter(options.maxMessageSize());
		this.directReads = (transport instanceof UnixSocketTransport unix) ? unix : null;
		this.connectContext = currentContext(options.observer());
	}

	/**
	 * Connects to the QMP socket at {@code socket} (waiting for it to appear and accept,
	 * within the connect timeout), reads the greeting and negotiates capabilities.
	 * @param socket the monitor socket ({@code -qmp unix:PATH,server=on,wait=off} or a
	 * {@code -chardev socket}/{@code -mon} pair)
	 * @param options timeouts and limits
	 * @param listener receives events and the end of the connection; called on the shared
	 * I/O thread
	 * @return a ready client
	 * @throws QmpConnectError if the socket did not accept, or QEMU did not greet and
	 * negotiate, within the connect timeout (the cause is a {@link QmpTimeoutError}; a
	 * monitor socket serves one client at a time: another client may hold it), or if the
	 * connection broke or QEMU refused the negotiation
	 * @throws QmpInterruptedError if the calling thread was interrupted
	 */
	public static QmpClient connect(Path socket, QmpClientOptions options, QmpEventListener listener) {
		return connect(socket, options, listener, null);
	}

	/**
	 * Like {@link #connect(Path, QmpClientOptions, QmpEventListener)} right after
	 * starting QEMU: stops waiting for the socket as soon as {@code qemu} has exited, so
	 * that a QEMU that fails at start-up is reported at once (with a
	 * {@link QmpConnectError}) rather than after the connect timeout.
	 * @param qemu the emulator process that serves the socket, or {@code null}
	 */
	public static QmpClient connect(Path socket, QmpClientOptions options, QmpEventListener listener,
			@Nullable ProcessHandle qemu) {
		long start = System.nanoTime();
		UnixSocketTransport transport = UnixSocketTransport.connect(socket, options.connectTimeout(), qemu);
		Duration remaining = options.connectTimeout().minusNanos(System.nanoTime() - start);
		return connect(transport, options, listener, remaining, socket.toString());
	}

	/**
	 * {@link #connect(Path, QmpClientOptions, QmpEventListener)} with
	 * {@link QmpClientOptions#defaults()}.
	 */
	public static QmpClient connect(Path socket, QmpEventListener listener) {
		return connect(socket, QmpClientOptions.defaults(), listener);
	}

	/**
	 * Runs the protocol over a transport of the caller's choosing (for example a
	 * {@link StreamTransport} on the standard streams of {@code qemu -qmp stdio}). The
	 * client owns the transport from now on.
	 * @see #connect(Path, QmpClientOptions, QmpEventListener)
	 */
	public static QmpClient connect(QmpTransport transport, QmpClientOptions options, QmpEventListener listener) {
		return connect(transport, options, listener, options.connectTimeout(), transport.toString());
	}

	private static QmpClient connect(QmpTransport transport, QmpClientOptions options, QmpEventListener listener,
			Duration timeout, String description) {
		QmpClient client = new QmpClient(transport, options, listener);
		transport.start(client.new Receiver());
		try {
			client.ready.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
			return client;
		}
		catch (TimeoutException ex) {
			client.close();
			String message = "QEMU did not complete the QMP handshake on " + description + " within "
					+ options.connectTimeout().toMillis() + " ms; is another client connected to this monitor?";
			throw new QmpConnectError(message, new QmpTimeoutError(message, ex));
		}
		catch (InterruptedException ex) {
			client.close();
			throw QmpInterruptedError.restoring("interrupted while connecting to " + description, ex);
		}
		catch (ExecutionException ex) {
			client.close();
			RuntimeException cause = rethrow(ex.getCause(), "qmp_capabilities");
			throw new QmpConnectError("the QMP handshake on " + description + " failed: " + ex.getCause().getMessage(),
					cause);
		}
	}

	/**
	 * What QEMU said when the connection opened (its version and protocol capabilities).
	 */
	public QmpGreeting greeting() {
		return this.greeting;
	}

	/**
	 * Whether the connection is open: false once QEMU went away or {@link #close()} was
	 * called.
	 */
	public boolean isConnected() {
		synchronized (this.lock) {
			return this.disconnected == null;
		}
	}

	/**
	 * Executes a command without arguments with the default timeout; returns its
	 * {@code return} member.
	 */
	public JsonNode execute(String command) {
		return execute(command, (JsonNode) null);
	}

	/**
	 * Executes a command with the default timeout and returns its {@code return} member.
	 * @param command the QMP command ({@code query-status}, {@code cont}, ...)
	 * @param arguments the {@code arguments} object, or {@code null} for none
	 * @throws QmpExecuteError for an error reply (QMP's error class and description)
	 * @throws QmpProtocolError if the connection was lost or closed
	 * @throws QmpTimeoutError if no reply arrived within the default timeout
	 * @throws QmpInterruptedError if the calling thread was interrupted while it waited
	 */
	public JsonNode execute(String command, @Nullable JsonNode arguments) {
		return execute(command, arguments, this.options.commandTimeout());
	}

	/**
	 * Executes a command whose arguments are given as a map (converted to JSON with
	 * Jackson's defaults).
	 */
	public JsonNode execute(String command, Map<String, ?> arguments) {
		return execute(command, toArguments(arguments));
	}

	/**
	 * Like {@link #execute(String, JsonNode)} with an explicit timeout (which includes
	 * the time spent queued).
	 */
	public JsonNode execute(String command, @Nullable JsonNode arguments, Duration timeout) {
		return await(enqueue(command, arguments, -1, null, null), timeout);
	}

	/**
	 * {@link #executeUntilEvent(String, String, Duration)} with the default timeout.
	 */
	public void executeUntilEvent(String command, String event) {
		executeUntilEvent(command, event, this.options.commandTimeout());
	}

	/**
	 * Executes a command without arguments and returns as soon as QEMU has answered it or
	 * sent {@code event}, whichever comes first: for a command whose effect QEMU
	 * announces with an event before it answers ({@code cont}, whose {@code RESUME} QEMU
	 * sends when it lets the vCPUs go, and whose reply can follow a scheduler time slice
	 * later on a busy host). An {@code event} that arrives while the command is in flight
	 * counts, so use it only where nothing else can cause that event then (a {@code cont}
	 * of a paused VM). The command keeps its turn until its reply arrives: the next
	 * command is still sent only after it. A reply that follows the event is dropped;
	 * should it be an error, that is logged, as it can no longer be thrown. The event
	 * reaches the listener as usual.
	 * @throws QmpExecuteError if QEMU answered with an error before it sent the event
	 * @throws QmpProtocolError if the connection was lost or closed
	 * @throws QmpTimeoutError if neither arrived within {@code timeout}
	 * @throws QmpInterruptedError if the calling thread was interrupted while it waited
	 */
	public void executeUntilEvent(String command, String event, Duration timeout) {
		Objects.requireNonNull(event, "event");
		await(enqueue(command, null, -1, null, event), timeout);
	}

	/**
	 * Executes a command and passes a file descriptor along with it (SCM_RIGHTS), for
	 * {@code getfd} and {@code add-fd}. QEMU receives its own duplicate; the caller keeps
	 * and eventually closes {@code fd}.
	 * @throws UnsupportedOperationException if the transport cannot pass descriptors
	 * (only UNIX sockets can)
	 */
	public JsonNode executeWithFd(String command, @Nullable JsonNode arguments, int fd) {
		return executeWithFd(command, arguments, fd, this.options.commandTimeout());
	}

	/** Like {@link #executeWithFd(String, JsonNode, int)} with an explicit timeout. */
	public JsonNode executeWithFd(String command, @Nullable JsonNode arguments, int fd, Duration timeout) {
		if (fd < 0) {
			throw new IllegalArgumentException("Not a file descriptor: " + fd);
		}
		if (!this.transport.canPassFileDescriptors()) {
			throw new UnsupportedOperationException(this.transport + " cannot pass file descriptors");
		}
		return await(enqueue(command, arguments, fd, null, null), timeout);
	}

	/**
	 * Asynchronous {@link #execute(String, JsonNode)}: the future completes on a shared
	 * client thread.
	 */
	public CompletableFuture<JsonNode> executeAsync(String command, @Nullable JsonNode arguments) {
		return executeAsync(command, arguments, this.options.commandTimeout());
	}

	/**
	 * Asynchronous {@link #execute(String, JsonNode, Duration)}. The future fails with
	 * the exceptions the blocking form throws. It completes on the shared I/O or timer
	 * thread, so dependent stages without an executor run there and must not block.
	 * Cancelling it before the command was sent keeps the command from being sent.
	 */
	public CompletableFuture<JsonNode> executeAsync(String command, @Nullable JsonNode arguments, Duration timeout) {
		return submit(command, arguments, -1, timeout, null);
	}

	/**
	 * Adds a callback for the end of the connection, with the same contract as
	 * {@link QmpEventListener#onDisconnect}: called once, on the I/O thread, unless
	 * {@link #close()} ended the connection. If the connection has already been lost, the
	 * callback runs at once on the calling thread.
	 */
	public void onDisconnect(Consumer<QmpProtocolError> callback) {
		Objects.requireNonNull(callback, "callback");
		QmpProtocolError cause;
		synchronized (this.lock) {
			if (!this.disconnectReported) {
				this.disconnectCallbacks.add(callback);
				return;
			}
			if (this.closedByClient) {
				return;
			}
			cause = this.disconnected;
		}
		callback.accept(cause);
	}

	/**
	 * Closes the connection. Pending calls fail with {@link QmpProtocolError}; the
	 * disconnect callbacks are not called. Idempotent. Does not stop QEMU (send
	 * {@code quit} for that).
	 */
	@Override
	public void close() {
		List<Request> failed;
		QmpProtocolError cause;
		synchronized (this.lock) {
			if (this.disconnected != null) {
				return;
			}
			this.closedByClient = true;
			this.disconnectReported = true;
			this.disconnectCallbacks.clear();
			cause = new QmpProtocolError("the QMP client was closed");
			this.disconnected = cause;
			failed = drainPending();
		}
		failAll(failed, cause);
		this.transport.close();
	}

	@Override
	public String toString() {
		return "QmpClient[" + this.transport + "]";
	}

	/**
	 * Queues a command whose timeout a timer enforces: for callers that do not wait on
	 * the future.
	 * @param parent the observer's context the command belongs to; {@code null} for the
	 * calling thread's own
	 */
	private CompletableFuture<JsonNode> submit(String command, JsonNode arguments, int fd, Duration timeout,
			DriverObserver.@Nullable Context parent) {
		Objects.requireNonNull(timeout, "timeout");
		Request request = enqueue(command, arguments, fd, parent, null);
		if (request.future.isDone()) {
			return request.future;
		}
		ScheduledFuture<?> timer = Timeouts.EXECUTOR.schedule(() -> timeOut(request, timeout),
				Math.max(1, timeout.toNanos()), TimeUnit.NANOSECONDS);
		request.future.whenComplete((result, failure) -> {
			timer.cancel(false);
			// for a caller who cancelled; every other completion ended the observation
			// already
			endObservation(request, failure);
		});
		return request.future;
	}

	/**
	 * Queues a command (sending it at once if none is in flight), without a timeout of
	 * its own; its observation begins here. A refused command comes back as a request
	 * whose future has failed.
	 * @param parent the observer's context the command belongs to; {@code null} for the
	 * calling thread's own
	 * @param untilEvent an event that answers the command as its reply would, or
	 * {@code null}
	 */
	private Request enqueue(String command, @Nullable JsonNode arguments, int fd,
			DriverObserver.@Nullable Context parent, @Nullable String untilEvent) {
		Objects.requireNonNull(command, "command");
		if (arguments != null && !arguments.isNull() && !arguments.isObject()) {
			throw new IllegalArgumentException("QMP arguments must be a JSON object, got " + arguments.getNodeType());
		}
		DriverObserver.Scope scope = beginObservation(command,
				(parent != null) ? parent : currentContext(this.options.observer()));
		Request queued = null;
		try {
			synchronized (this.lock) {
				if (this.disconnected != null) {
					QmpProtocolError refused = new QmpProtocolError(this.disconnected.getMessage(), this.disconnected);
					Request failed = new Request(command, null, -1, scope, null);
					endObservation(failed, refused);
					failed.future.completeExceptionally(refused);
					return failed;
				}
				queued = new Request(command, encode(command, arguments), fd, scope, untilEvent);
				this.queue.add(queued);
				sendNext();
				return queued;
			}
		}
		catch (RuntimeException ex) {
			// not queued (arguments Jackson cannot write), or not sent: the observation
			// ends here, once
			if (queued != null) {
				endObservation(queued, ex);
			}
			else {
				endObservation(scope, command, ex);
			}
			throw ex;
		}
	}

	private static DriverObserver.Context currentContext(DriverObserver observer) {
		try {
			return observer.current();
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "QMP observer failed to capture the current context", ex);
			return DriverObserver.Context.NONE;
		}
	}

	private DriverObserver.Scope beginObservation(String command, DriverObserver.@Nullable Context parent) {
		String observedAs = this.options.observedAs().isEmpty() ? this.transport.toString() : this.options.observedAs();
		try {
			return this.options.observer().qmpCommand(parent, observedAs, command);
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "QMP observer failed to begin '" + command + "' on " + this.transport, ex);
			return DriverObserver.Scope.NONE;
		}
	}

	/**
	 * Ends a request's observation, once, on the thread that completes it (the I/O thread
	 * for a reply or a lost connection, the timer, a closer): before its future
	 * completes, so that the command's scope has ended by the time its caller wakes up.
	 */
	private void endObservation(Request request, Throwable failure) {
		if (request.observed.compareAndSet(false, true)) {
			endObservation(request.scope, request.command, failure);
		}
	}

	private void endObservation(DriverObserver.Scope scope, String command, Throwable failure) {
		try {
			scope.end(failure);
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "QMP observer failed to end '" + command + "' on " + this.transport, ex);
		}
	}

	static ByteBuffer encode(String command, @Nullable JsonNode arguments) {
		boolean noArguments = arguments == null || arguments.isNull();
		if (noArguments && PLAIN_NAME.matcher(command).matches()) {
			// most commands: a name that needs no escaping and no arguments
			return ByteBuffer.wrap(("{\"execute\":\"" + command + "\"}\n").getBytes(StandardCharsets.US_ASCII));
		}
		ObjectNode message = JsonTrees.object();
		message.put("execute", command);
		if (!noArguments) {
			message.set("arguments", arguments);
		}
		byte[] bytes = JsonTrees.writeBytes(message);
		byte[] line = Arrays.copyOf(bytes, bytes.length + 1);
		line[bytes.length] = '\n';
		return ByteBuffer.wrap(line);
	}

	private static JsonNode toArguments(Map<String, ?> arguments) {
		return (arguments != null) ? JsonTrees.valueOf(arguments) : null;
	}

	/** Sends the next queued command if none is in flight. Caller holds the lock. */
	private void sendNext() {
		while (this.inFlight == null && !this.queue.isEmpty()) {
			Request next = this.queue.poll();
			if (next.future.isDone()) {
				continue; // timed out or cancelled while queued: never sent
			}
			this.inFlight = next;
			logger.log(Level.DEBUG, () -> "QMP -> " + next.command + " on " + this.transport);
			this.transport.send(next.payload, next.fd);
		}
	}

	private void timeOut(Request request, Duration timeout) {
		boolean sent;
		synchronized (this.lock) {
			boolean queued = this.queue.remove(request);
			sent = !queued && this.inFlight == request;
		}
		String message = "QMP command '" + request.command + "' got no reply within " + timeout.toMillis() + " ms"
				+ (sent ? "" : " (it was still queued behind earlier commands and was not sent)") + " on "
				+ this.transport;
		QmpTimeoutError failure = new QmpTimeoutError(message);
		if (!request.future.isDone()) {
			endObservation(request, failure);
		}
		if (request.future.completeExceptionally(failure)) {
			logger.log(Level.DEBUG, message);
		}
	}

	private List<Request> drainPending() {
		List<Request> pending = new ArrayList<>(this.queue.size() + 1);
		if (this.inFlight != null) {
			pending.add(this.inFlight);
			this.inFlight = null;
		}
		pending.addAll(this.queue);
		this.queue.clear();
		return pending;
	}

	private void failAll(List<Request> requests, QmpProtocolError cause) {
		for (Request request : requests) {
			endObservation(request, cause);
			request.future.completeExceptionally(cause);
		}
		this.ready.completeExceptionally(cause);
	}

	/**
	 * Waits for the reply with the caller's own timed wait, so a blocking call costs no
	 * timer task (scheduling and cancelling one per command showed in the round trip); a
	 * timeout then fails the request as the timer would have.
	 */
	private JsonNode await(Request request, Duration timeout) {
		Objects.requireNonNull(timeout, "timeout");
		CompletableFuture<JsonNode> future = request.future;
		if (QmpIoLoop.isLoopThread() && !future.isDone()) {
			// The reply could only be read by this very thread: waiting would stall every
			// VM's monitor.
			IllegalStateException refused = new IllegalStateException("QMP command '" + request.command
					+ "' executed on the QMP I/O thread (from a listener or a future's callback); hand the work to "
					+ "another executor");
			endObservation(request, refused);
			future.cancel(false);
			throw refused;
		}
		try {
			try {
				long waited = readReplyOnCaller(request, timeout);
				return future.get(Math.max(1, timeout.toNanos() - waited), TimeUnit.NANOSECONDS);
			}
			catch (TimeoutException ex) {
				timeOut(request, timeout);
				// the reply may have won the race against the time-out: get() now returns
				// whichever came first
				return future.get();
			}
		}
		catch (InterruptedException ex) {
			QmpInterruptedError interrupted = new QmpInterruptedError(
					"interrupted while waiting for the reply to '" + request.command + "'", ex);
			endObservation(request, interrupted);
			future.cancel(false);
			synchronized (this.lock) {
				this.queue.remove(request);
			}
			Thread.currentThread().interrupt();
			throw interrupted;
		}
		catch (ExecutionException ex) {
			throw rethrow(ex.getCause(), request.command);
		}
	}

	/**
	 * Waits for the reply on the socket itself, for a while, rather than for the I/O
	 * thread's hand-off: the raw client's one wake-up per round trip instead of two. Only
	 * the caller whose command is in flight does so, only within
	 * {@value #DIRECT_READ_MILLIS} ms, and not once interrupted; otherwise, or when the
	 * I/O thread got to the bytes first, the reply comes through the future as always.
	 * @return the nanoseconds spent here, to be taken off the timeout
	 */
	private long readReplyOnCaller(Request request, Duration timeout) {
		UnixSocketTransport transport = this.directReads;
		if (transport == null || request.future.isDone()) {
			return 0;
		}
		synchronized (this.lock) {
			if (this.inFlight != request) {
				return 0;
			}
		}
		long start = System.nanoTime();
		long window = Math.min(TimeUnit.MILLISECONDS.toNanos(DIRECT_READ_MILLIS), timeout.toNanos());
		long remaining = window;
		try {
			while (!request.future.isDone() && remaining > 0 && !Thread.currentThread().isInterrupted()) {
				if (!transport.readOnCaller((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)),
						request.future::isDone)) {
					break;
				}
				remaining = window - (System.nanoTime() - start);
			}
		}
		finally {
			// Events read on the way go to the I/O thread now, not as each was read:
			// waking it between an event and the reply it precedes (cont's RESUME) takes
			// a CPU from QEMU just when it is about to answer.
			if (!this.events.isEmpty()) {
				transport.executeOnLoop(this::deliverQueuedEvents);
			}
		}
		return System.nanoTime() - start;
	}

	/**
	 * A new exception of the same kind, so that the stack trace shows the caller and the
	 * cause the origin.
	 */
	private static QmpError rethrow(Throwable failure, String command) {
		if (failure instanceof QmpExecuteError refused) {
			return new QmpExecuteError(refused.command(), refused.errorClass(), refused.description(), refused);
		}
		if (failure instanceof QmpTimeoutError timeout) {
			return new QmpTimeoutError(timeout.getMessage(), timeout);
		}
		if (failure instanceof QmpProtocolError broken) {
			return new QmpProtocolError(broken.getMessage(), broken);
		}
		return new QmpProtocolError("unexpected failure of QMP command '" + command + "': " + failure, failure);
	}

	// Receiving side: runs on the transport's thread.

	private void onLine(byte[] bytes, int length) {
		JsonNode message;
		try {
			message = JsonTrees.read(bytes, 0, length);
		}
		catch (JacksonException ex) {
			logger.log(Level.WARNING,
					"Ignoring a QMP message that is not JSON from " + this.transport + ": " + ex.getOriginalMessage());
			return;
		}
		if (message == null || !message.isObject()) {
			logger.log(Level.WARNING, "Ignoring a QMP message that is not a JSON object from " + this.transport);
		}
		else if (message.has("event")) {
			onEvent(message);
		}
		else if (message.has("return") || message.has("error")) {
			onReply(message);
		}
		else if (message.has("QMP")) {
			onGreeting(message.get("QMP"));
		}
		else {
			logger.log(Level.WARNING, "Ignoring an unknown QMP message from " + this.transport);
		}
	}

	private void onGreeting(JsonNode body) {
		if (this.greeting != null) {
			logger.log(Level.WARNING, "Ignoring a second QMP greeting from " + this.transport);
			return;
		}
		JsonNode version = body.path("version");
		JsonNode qemu = version.path("qemu");
		List<String> capabilities = new ArrayList<>();
		for (JsonNode capability : body.path("capabilities")) {
			capabilities.add(capability.asString());
		}
		QmpGreeting greeting = new QmpGreeting(qemu.path("major").asInt(), qemu.path("minor").asInt(),
				qemu.path("micro").asInt(), version.path("package").asString("").trim(), capabilities);
		this.greeting = greeting;
		// on the I/O thread: the command belongs to the connecting thread's context,
		// captured when it connected
		DriverObserver.Context parent = this.connectContext;
		this.connectContext = DriverObserver.Context.NONE;
		submit("qmp_capabilities", null, -1, this.options.connectTimeout(), parent).whenComplete((result, failure) -> {
			if (failure != null) {
				this.ready.completeExceptionally(failure);
			}
			else {
				this.ready.complete(greeting);
			}
		});
	}

	private void onEvent(JsonNode message) {
		String name = message.path("event").asString("");
		JsonNode data = message.get("data");
		if (data == null || data.isNull()) {
			data = JsonTrees.object();
		}
		JsonNode timestamp = message.path("timestamp");
		long seconds = timestamp.path("seconds").asLong(-1);
		Instant when = (seconds >= 0) ? Instant.ofEpochSecond(seconds,
				TimeUnit.MICROSECONDS.toNanos(timestamp.path("microseconds").asLong(0))) : Instant.now();
		QmpEvent event = new QmpEvent(name, data, when);
		logger.log(Level.DEBUG, () -> "QMP <- event " + name + " on " + this.transport);
		answerWithEvent(name);
		UnixSocketTransport transport = this.directReads;
		if (transport == null) {
			deliver(event);
			return;
		}
		this.events.add(event);
		if (transport.onLoopThread()) {
			deliverQueuedEvents();
		}
		// else read by a caller waiting for its reply, which hands the queue to the I/O
		// thread once it stops reading (readReplyOnCaller)
	}

	/**
	 * Completes the command in flight if it waits for this event rather than its reply
	 * ({@link #executeUntilEvent}); it keeps its turn until the reply comes.
	 */
	private void answerWithEvent(String name) {
		Request request;
		synchronized (this.lock) {
			request = this.inFlight;
		}
		if (request != null && name.equals(request.untilEvent) && !request.future.isDone()) {
			logger.log(Level.DEBUG, () -> "QMP: " + name + " answers " + request.command + " before its reply");
			endObservation(request, null);
			request.future.complete(null);
		}
	}

	private void deliverQueuedEvents() {
		QmpEvent event;
		while ((event = this.events.poll()) != null) {
			deliver(event);
		}
	}

	private void deliver(QmpEvent event) {
		try {
			this.listener.onEvent(event);
		}
		catch (Throwable ex) {
			logger.log(Level.WARNING, "QMP event listener failed on " + event.name() + " from " + this.transport, ex);
		}
	}

	private void onReply(JsonNode message) {
		Request request;
		synchronized (this.lock) {
			if (message.has("id")) {
				// this client sends no ids: not an answer to any of its commands
				logger.log(Level.WARNING, "Ignoring a QMP reply with id " + message.get("id")
						+ " (this client sends none) on " + this.transport);
				return;
			}
			request = this.inFlight;
			if (request == null) {
				logger.log(Level.WARNING, "Ignoring a QMP reply with no command in flight on " + this.transport);
				return;
			}
			// Only one command is ever in flight, and QEMU answers in order: the reply is
			// its answer.
			this.inFlight = null;
			sendNext();
		}
		JsonNode error = message.get("error");
		if (error != null) {
			String errorClass = error.path("class").asString("GenericError");
			String description = error.path("desc").asString("");
			logger.log(Level.DEBUG, () -> "QMP <- error " + errorClass + " for " + request.command);
			if (request.untilEvent != null && request.future.isDone() && !request.future.isCompletedExceptionally()) {
				logger.log(Level.WARNING, "QMP command '" + request.command + "' failed after QEMU sent "
						+ request.untilEvent + ": " + errorClass + ": " + description + " on " + this.transport);
			}
			QmpExecuteError failure = new QmpExecuteError(request.command, errorClass, description);
			endObservation(request, failure);
			request.future.completeExceptionally(failure);
		}
		else {
			logger.log(Level.DEBUG, () -> "QMP <- return for " + request.command);
			endObservation(request, null);
			request.future.complete(message.get("return"));
		}
	}

	private void onTransportClosed(Throwable cause) {
		List<Request> failed;
		QmpProtocolError reported;
		List<Consumer<QmpProtocolError>> callbacks;
		synchronized (this.lock) {
			if (this.disconnected == null) {
				this.disconnected = new QmpProtocolError(describeEnd(cause), cause);
			}
			reported = this.disconnected;
			failed = drainPending();
			boolean report = !this.disconnectReported && !this.closedByClient;
			this.disconnectReported = true;
			callbacks = report ? new ArrayList<>(this.disconnectCallbacks) : null;
			this.disconnectCallbacks.clear();
		}
		failAll(failed, reported);
		if (callbacks == null) {
			return;
		}
		logger.log(Level.DEBUG, () -> "QMP connection ended: " + reported.getMessage());
		notifyDisconnect(this.listener::onDisconnect, reported);
		for (Consumer<QmpProtocolError> callback : callbacks) {
			notifyDisconnect(callback, reported);
		}
	}

	private void notifyDisconnect(Consumer<QmpProtocolError> callback, QmpProtocolError cause) {
		try {
			callback.accept(cause);
		}
		catch (Throwable ex) {
			logger.log(Level.WARNING, "QMP disconnect callback failed for " + this.transport, ex);
		}
	}

	private String describeEnd(Throwable cause) {
		if (this.protocolFailure != null) {
			return this.protocolFailure.getMessage() + "; the connection to " + this.transport + " was closed";
		}
		if (cause != null) {
			return "the QMP connection " + this.transport + " failed: " + cause.getMessage();
		}
		return "QEMU closed the QMP connection " + this.transport + " (the emulator exited or closed its monitor)";
	}

	private final class Receiver implements QmpTransport.Receiver {

		@Override
		public void onData(ByteBuffer data) {
			if (QmpClient.this.protocolFailure != null) {
				return;
			}
			try {
				QmpClient.this.lines.feed(data, QmpClient.this::onLine);
			}
			catch (LineSplitter.LineTooLongException ex) {
				QmpClient.this.protocolFailure = ex;
				logger.log(Level.WARNING, ex.getMessage() + " on " + QmpClient.this.transport + "; closing it");
				QmpClient.this.transport.close();
			}
		}

		@Override
		public void onClosed(@Nullable Throwable cause) {
			// events a caller read are delivered before the end is reported
			deliverQueuedEvents();
			onTransportClosed((QmpClient.this.protocolFailure != null) ? QmpClient.this.protocolFailure : cause);
		}

	}

	private static final class Request {

		final String command;

		final ByteBuffer payload;

		final int fd;

		final CompletableFuture<JsonNode> future = new CompletableFuture<>();

		final DriverObserver.Scope scope;

		final AtomicBoolean observed = new AtomicBoolean();

		/** An event that answers the command as well as its reply, or {@code null}. */
		final @Nullable String untilEvent;

		Request(String command, ByteBuffer payload, int fd, DriverObserver.Scope scope, @Nullable String untilEvent) {
			this.command = command;
			this.payload = payload;
			this.fd = fd;
			this.scope = scope;
			this.untilEvent = untilEvent;
		}

	}

	/**
	 * One daemon thread for the timeouts of every client in the JVM; started on first
	 * use.
	 */
	private static final class Timeouts {

		static final ScheduledThreadPoolExecutor EXECUTOR = create();

		private static ScheduledThreadPoolExecutor create() {
			ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, (task) -> {
				Thread thread = new Thread(task, TIMER_THREAD_NAME);
				thread.setDaemon(true);
				return thread;
			});
			executor.setRemoveOnCancelPolicy(true);
			return executor;
		}

	}

}
