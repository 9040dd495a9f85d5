package io.github.qemuembed.driver;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Told about every {@link Domain#start() start}, {@link Domain#shutdown(Duration)
 * shutdown} and {@link Domain#destroy() destroy} once it has finished, whichever code
 * called it, with how long the whole call took (waiting for the domain's other operations
 * included). Calls the access policy refused are not reported: they never reached the
 * domain. Registered with
 * {@link DriverConfig.Builder#addOperationListener(DomainOperationListener)}; meant for
 * metrics.
 * <p>
 * Called on the thread that made the call, right after the operation and before it
 * returns or throws: do not block. An exception thrown by a listener is logged and does
 * not change the operation's outcome.
 */
@FunctionalInterface
public interface DomainOperationListener {

	/** A listener that does nothing: the default. */
	DomainOperationListener NONE = (operation, domain, duration, failure) -> {
	};

	/** The operations reported. */
	enum Operation {

		/**
		 * {@link Domain#start()}, and the start of a transient domain by
		 * {@link QemuDriver}.
		 */
		START,

		/**
		 * {@link Domain#shutdown(Duration)}, including the forced stop after its timeout.
		 */
		SHUTDOWN,

		/** {@link Domain#destroy()}. */
		DESTROY

	}

	/**
	 * @param operation what was done
	 * @param domain the domain's name
	 * @param duration how long the call took
	 * @param failure what the call threw, {@code null} if it succeeded
	 */
	void operationCompleted(Operation operation, String domain, Duration duration, @Nullable Throwable failure);

	/** This listener, then {@code next}. */
	default DomainOperationListener andThen(DomainOperationListener next) {
		return (operation, domain, duration, failure) -> {
			operationCompleted(operation, domain, duration, failure);
			next.operationCompleted(operation, domain, duration, failure);
		};
	}

}
