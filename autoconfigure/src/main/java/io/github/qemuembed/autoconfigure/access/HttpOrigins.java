package io.github.qemuembed.autoconfigure.access;

import java.util.Optional;

import org.springframework.util.ClassUtils;

/**
 * The {@link HttpOrigin} of the current thread: bound by the starter's servlet filter for
 * every request of the application's servers, or else found in Spring's
 * {@code RequestContextHolder} (which every {@code DispatcherServlet} fills, the
 * management server's included), or carried to a worker thread by
 * {@link #propagate(Runnable)}.
 */
public final class HttpOrigins {

	private static final boolean SERVLET_PRESENT = ClassUtils.isPresent("jakarta.servlet.http.HttpServletRequest",
			HttpOrigins.class.getClassLoader())
			&& ClassUtils.isPresent("org.springframework.web.context.request.RequestContextHolder",
					HttpOrigins.class.getClassLoader());

	private static final ThreadLocal<HttpOrigin> current = new ThreadLocal<>();

	private HttpOrigins() {
	}

	/**
	 * The origin of the current thread's call, empty for the application's own calls. The
	 * request that Spring's {@code RequestContextHolder} holds comes first: it is the one
	 * the servlet sees, after every filter, so its principal is the one a later filter
	 * (an authentication filter, a container's login) set.
	 */
	public static Optional<HttpOrigin> current() {
		if (SERVLET_PRESENT) {
			Optional<HttpOrigin> request = ServletOrigins.fromRequestContext();
			if (request.isPresent()) {
				return request;
			}
		}
		return Optional.ofNullable(current.get());
	}

	/**
	 * Wraps a task so that it runs with the current thread's origin, as it is now (the
	 * principal is read here, not when the task runs: the request may be over by then).
	 */
	public static Runnable propagate(Runnable task) {
		Optional<HttpOrigin> origin = current().map(HttpOrigin::fixed);
		if (origin.isEmpty()) {
			return task;
		}
		return () -> runWith(origin.get(), task);
	}

	/**
	 * Runs a task with an origin bound to the current thread, restoring the previous one
	 * after.
	 */
	static void runWith(HttpOrigin origin, Runnable task) {
		HttpOrigin previous = bind(origin);
		try {
			task.run();
		}
		finally {
			restore(previous);
		}
	}

	/**
	 * Binds an origin to the current thread; returns the one it replaces, for
	 * {@link #restore}.
	 */
	static HttpOrigin bind(HttpOrigin origin) {
		HttpOrigin previous = current.get();
		current.set(origin);
		return previous;
	}

	static void restore(HttpOrigin previous) {
		if (previous != null) {
			current.set(previous);
		}
		else {
			current.remove();
		}
	}

}
