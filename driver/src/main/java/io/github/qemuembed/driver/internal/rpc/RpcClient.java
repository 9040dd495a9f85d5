package io.github.qemuembed.driver.internal.rpc;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.observation.DriverObserver;

/**
 * A client of libvirt's remote protocol (program {@code 0x20008086}, version 1) for one
 * URI.
 *
 * <p>
 * It connects lazily: the first call opens the stream, checks that authentication
 * {@code none} is offered ({@code AUTH_LIST}), opens the URI's driver in the daemon
 * ({@code CONNECT_OPEN}) and asks the daemon for keepalive, whose PINGs are then
 * answered. A connection that breaks fails the calls in flight; the next call opens a new
 * one, so the client recovers by itself when the daemon restarts. Calls from several
 * threads run concurrently, correlated by serial; each has a timeout, after which the
 * connection is dropped (a daemon that does not answer cannot be trusted to answer the
 * next call either).
 *
 * <p>
 * Errors name the endpoint and the setting that chose it. Secret values that pass through
 * the client are never logged and never put into messages.
 */
public final class RpcClient implements Closeable {

	private static final System.Logger logger = System.getLogger(RpcClient.class.getName());

	/** {@code VIR_DRV_FEATURE_PROGRAM_KEEPALIVE}. */
	private static final int FEATURE_PROGRAM_KEEPALIVE = 10;

	private static final int AUTH_NONE = 0;

	private final LibvirtUri uri;

	private final RpcTransport transport;

	private final RpcClientOptions options;

	private final ReentrantLock connectLock = new ReentrantLock();

	private volatile RpcConnection connection;

	private volatile boolean closed;

	private int connects;

	public RpcClient(LibvirtUri uri, RpcClientOptions options) {
		this(uri, RpcTransport.of(uri), options);
	}

	public RpcClient(LibvirtUri uri, RpcTransport transport, RpcClientOptions options) {
		this.uri = uri;
		this.transport = transport;
		this.options = options;
	}

	public LibvirtUri uri() {
		return this.uri;
	}

	public RpcClientOptions options() {
		return this.options;
	}

	/** How many times a connection was opened (for tests and diagnostics). */
	public int connectionCount() {
		this.connectLock.lock();
		try {
			return this.connects;
		}
		finally {
			this.connectLock.unlock();
		}
	}

	/**
	 * Keepalive PINGs of the daemon answered on the current connection (for tests and
	 * diagnostics).
	 */
	public long keepalivesAnswered() {
		RpcConnection current = this.connection;
		return (current != null) ? current.keepalivesAnswered() : 0;
	}

	/** Calls a procedure and decodes its reply. */
	public <T> T call(RemoteProcedure procedure, Consumer<XdrEncoder> arguments, Function<XdrDecoder, T> reply) {
		RpcConnection current = connected();
		return invoke(current, procedure, arguments, reply);
	}

	/** Calls a procedure whose reply is void. */
	public void call(RemoteProcedure procedure, Consumer<XdrEncoder> arguments) {
		call(procedure, arguments, (decoder) -> null);
	}

	/**
	 * One call, watched by the observer (on this thread, the caller's: its current
	 * context is the parent).
	 */
	private <T> T invoke(RpcConnection on, RemoteProcedure procedure, Consumer<XdrEncoder> arguments,
			Function<XdrDecoder, T> reply) {
		DriverObserver.Scope scope = DriverObserver.Scope.NONE;
		try {
			scope = this.options.observer().remoteCall(this.options.role(), this.uri.toString(), procedure.name());
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Observer failed to begin " + procedure + " to " + this.uri, ex);
		}
		Throwable failure = null;
		try {
			return invokeObserved(on, procedure, arguments, reply);
		}
		catch (RuntimeException | Error ex) {
			failure = ex;
			throw ex;
		}
		finally {
			try {
				scope.end(failure);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Observer failed to end " + procedure + " to " + this.uri, ex);
			}
		}
	}

	private <T> T invokeObserved(RpcConnection on, RemoteProcedure procedure, Consumer<XdrEncoder> arguments,
			Function<XdrDecoder, T> reply) {
		XdrEncoder encoder = new XdrEncoder();
		arguments.accept(encoder);
		byte[] payload = encoder.toByteArray();
		CompletableFuture<Packet> future = on.call(Programs.REMOTE, Programs.REMOTE_VERSION, procedure.number(),
				payload);
		// the payload may hold a secret value: do not keep it around longer than needed
		Arrays.fill(payload, (byte) 0);
		Packet packet = await(on, procedure, future);
		XdrDecoder decoder = new XdrDecoder(packet.payload());
		try {
			if (packet.header().status() == MessageStatus.ERROR) {
				throw LibvirtRemoteException.of(this.uri.toString(), procedure, RemoteError.decode(decoder));
			}
			if (packet.header().status() != MessageStatus.OK) {
				throw new RemoteProtocolException("Unexpected status " + packet.header().status() + " in the reply to "
						+ procedure + " from " + this.uri);
			}
			T result = reply.apply(decoder);
			decoder.requireFullyRead();
			return result;
		}
		finally {
			Arrays.fill(packet.payload(), (byte) 0);
		}
	}

	private Packet await(RpcConnection on, RemoteProcedure procedure, CompletableFuture<Packet> future) {
		Duration timeout = this.options.callTimeout();
		try {
			return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			on.abandon(future);
			RemoteTimeoutException timedOut = new RemoteTimeoutException("The libvirt daemon at " + this.uri + " ("
					+ this.transport.describe() + ") did not answer " + procedure + " within " + timeout.toMillis()
					+ " ms; the connection was dropped and the next call reconnects");
			on.close(timedOut);
			throw timedOut;
		}
		catch (InterruptedException ex) {
			on.abandon(future);
			throw OperationInterruptedException
				.restoring("Interrupted while waiting for " + procedure + " from " + this.uri, ex);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof SecondaryDriverException sde) {
				// rethrown from this thread so that the stack shows the caller
				throw new ConnectionLostException(sde.getMessage() + " (during " + procedure + ")", sde);
			}
			throw new SecondaryDriverException("Call " + procedure + " to " + this.uri + " failed", ex.getCause());
		}
	}

	private RpcConnection connected() {
		RpcConnection current = this.connection;
		if (current != null && current.isOpen()) {
			return current;
		}
		this.connectLock.lock();
		try {
			if (this.closed) {
				throw new SecondaryDriverException(
						"The " + this.options.role() + " client for " + this.uri + " is closed");
			}
			current = this.connection;
			if (current != null && current.isOpen()) {
				return current;
			}
			this.connection = null;
			current = open();
			this.connection = current;
			return current;
		}
		finally {
			this.connectLock.unlock();
		}
	}

	private RpcConnection open() {
		RpcChannel channel;
		try {
			channel = this.transport.open(this.options.connectTimeout());
		}
		catch (IOException | RuntimeException ex) {
			throw new SecondaryDriverException("Cannot connect to the " + this.options.role() + " at " + this.uri + " ("
					+ this.transport.describe() + ": " + reason(ex) + "). Start the libvirt daemon there, or give the "
					+ this.options.role() + " the URI of one that runs.", ex);
		}
		RpcConnection opened = new RpcConnection(channel, this.uri.toString(), this::connectionLost);
		opened.start();
		this.connects++;
		try {
			handshake(opened);
		}
		catch (RuntimeException ex) {
			opened.close(ex);
			throw ex;
		}
		logger.log(Level.DEBUG, "Connected to {0} over {1}", this.uri, this.transport.describe());
		return opened;
	}

	private void handshake(RpcConnection on) {
		int[] auth = invoke(on, RemoteProcedure.AUTH_LIST, (args) -> {
		}, (reply) -> {
			int count = reply.readInt();
			if (count < 0 || count > 20) {
				throw new RemoteProtocolException("Invalid auth list length " + count);
			}
			int[] types = new int[count];
			for (int i = 0; i < count; i++) {
				types[i] = reply.readInt();
			}
			return types;
		});
		if (auth.length > 0 && Arrays.stream(auth).noneMatch((type) -> type == AUTH_NONE)) {
			throw new AuthUnsupportedException("The libvirt daemon at " + this.uri + " requires authentication "
					+ Arrays.toString(Arrays.stream(auth).mapToObj(RpcClient::authName).toArray())
					+ ", which this client does not do; configure it with auth_unix_rw/auth_tcp = \"none\" or use "
					+ "another daemon for the " + this.options.role());
		}
		String name = this.uri.daemonUri();
		invoke(on, RemoteProcedure.CONNECT_OPEN, (args) -> args.writeOptionalString(name).writeInt(0), (reply) -> null);
		try {
			invoke(on, RemoteProcedure.CONNECT_SUPPORTS_FEATURE,
					(args) -> args.writeInt(FEATURE_PROGRAM_KEEPALIVE).writeInt(0), XdrDecoder::readInt);
		}
		catch (LibvirtRemoteException ex) {
			// an old daemon without keepalive: still usable
			logger.log(Level.DEBUG, "{0} does not support keepalive: {1}", this.uri, ex.getMessage());
		}
	}

	private static String authName(int type) {
		return switch (type) {
			case 0 -> "none";
			case 1 -> "sasl";
			case 2 -> "polkit";
			default -> "type " + type;
		};
	}

	private SecondaryDriverException connectionLost(Throwable cause) {
		if (cause instanceof SecondaryDriverException sde && !(cause instanceof RemoteProtocolException)) {
			return sde;
		}
		return new ConnectionLostException("Connection to the " + this.options.role() + " at " + this.uri + " ("
				+ this.transport.describe() + ") was lost: " + reason(cause)
				+ "; the next call reconnects (check that the daemon runs, or give the " + this.options.role()
				+ " another URI)", cause);
	}

	private static String reason(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	/**
	 * Says goodbye to the daemon ({@code CONNECT_CLOSE}) and closes the stream. Further
	 * calls fail.
	 */
	@Override
	public void close() {
		this.connectLock.lock();
		try {
			this.closed = true;
			RpcConnection current = this.connection;
			this.connection = null;
			if (current != null && current.isOpen()) {
				try {
					invoke(current, RemoteProcedure.CONNECT_CLOSE, (args) -> {
					}, (reply) -> null);
				}
				catch (SecondaryDriverException ex) {
					logger.log(Level.DEBUG, "CONNECT_CLOSE to {0} failed: {1}", this.uri, ex.getMessage());
				}
				current.close(new SecondaryDriverException("The client for " + this.uri + " was closed"));
			}
		}
		finally {
			this.connectLock.unlock();
		}
	}

	/** The daemon went away while a call was in flight. */
	public static class ConnectionLostException extends SecondaryDriverException {

		public ConnectionLostException(String message, Throwable cause) {
			super(ErrorCode.NO_CONNECT, message, cause);
		}

	}

	/** The daemon requires an authentication scheme this client does not implement. */
	public static class AuthUnsupportedException extends SecondaryDriverException {

		public AuthUnsupportedException(String message) {
			super(ErrorCode.AUTH_FAILED, message, null);
		}

	}

}
