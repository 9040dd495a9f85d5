package io.github.qemuembed.driver.observation;

import org.jspecify.annotations.Nullable;

/**
 * Watches the driver's work as it happens, for tracing and metrics: one scope per domain
 * operation, per QMP command and per call to a libvirt daemon, each begun before the work
 * and ended after it. The driver knows nothing of any observability library; an
 * implementation maps these scopes to one (the Spring Boot starter maps them to
 * Micrometer {@code Observation}s). Set with
 * {@link io.github.qemuembed.driver.DriverConfig.Builder#observer(DriverObserver)}.
 * <p>
 * <b>Threads and parents.</b> A domain operation runs on the caller's thread, and its
 * scope is that thread's current context from {@link #domainOperation} until it ends, on
 * the same thread. Work begun while it is current is its child: a QMP command or a
 * libvirt call made by the operation on the caller's thread. The one piece of an
 * operation's work that begins on another thread is the QMP handshake
 * ({@code qmp_capabilities}), which the shared QMP I/O thread sends when QEMU's greeting
 * arrives: the driver {@linkplain #current() captures} the caller's context when it
 * connects the monitor and hands it over as the command's parent. A QMP command ends on
 * the thread that completes it (the I/O thread for a reply, the timer thread for a
 * timeout, the caller for a refusal): an implementation must not rely on ending on the
 * thread that began.
 * <p>
 * Every method is called on a driver path that must not block or fail: keep them quick.
 * An exception thrown by an observer is logged by the driver and does not change the
 * outcome of the work.
 */
public interface DriverObserver {

	/** An observer that watches nothing: the default. */
	DriverObserver NONE = new DriverObserver() {
	};

	/**
	 * The calling thread's current context, to be the parent of work the driver continues
	 * on another thread.
	 * @return the context, {@link Context#NONE} when there is none
	 */
	default Context current() {
		return Context.NONE;
	}

	/**
	 * A public operation on a domain begins on the calling thread (after the access
	 * policy allowed it). Until the returned scope ends, it is the thread's current
	 * context.
	 * @param operation what is done
	 * @param domain the domain's name
	 * @return the scope, ended on this same thread once the operation returned or threw
	 */
	default Scope domainOperation(DomainOperation operation, String domain) {
		return Scope.NONE;
	}

	/**
	 * A QMP command is about to be queued on a monitor.
	 * @param parent the context the command belongs to (see {@link #current()})
	 * @param domain the domain whose monitor it is, or a description of the monitor for a
	 * client no domain owns
	 * @param command the command's name ({@code cont}, {@code query-status}); never its
	 * arguments
	 * @return the scope, ended when the reply, an error, a timeout or the end of the
	 * connection completes it
	 */
	default Scope qmpCommand(Context parent, String domain, String command) {
		return Scope.NONE;
	}

	/**
	 * A procedure of libvirt's remote protocol is about to be called on a daemon, on the
	 * calling thread (whose current context is its parent).
	 * @param role what the client is for ({@code network driver}, {@code storage driver},
	 * {@code secret driver})
	 * @param endpoint the daemon's libvirt URI
	 * @param procedure the procedure's name ({@code CONNECT_OPEN},
	 * {@code NETWORK_LOOKUP_BY_NAME})
	 * @return the scope, ended on the calling thread with the call's outcome
	 */
	default Scope remoteCall(String role, String endpoint, String procedure) {
		return Scope.NONE;
	}

	/** Work being watched; ended exactly once. */
	@FunctionalInterface
	interface Scope {

		/** A scope that does nothing. */
		Scope NONE = (failure) -> {
		};

		/**
		 * The work is done.
		 * @param failure what it failed with, {@code null} if it succeeded
		 */
		void end(@Nullable Throwable failure);

	}

	/**
	 * An observer's context, opaque to the driver, carried from one thread to another.
	 */
	interface Context {

		/** No context: work begun with it has no parent. */
		Context NONE = new Context() {
		};

	}

}
