package io.github.qemuembed.autoconfigure.access;

import java.util.Optional;
import java.util.Set;

import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.access.CallerSupplier;

import org.springframework.util.ClassUtils;

/**
 * The starter's {@link CallerSupplier}: tells the three kinds of caller apart, with or
 * without Spring Security.
 * <ul>
 * <li>Spring Security's authenticated principal, when there is one, is the caller;</li>
 * <li>otherwise, a call made while serving a web request ({@link HttpOrigins}) is the
 * principal the web server authenticated, if any, and else {@link Caller#ANONYMOUS};</li>
 * <li>only a call with neither is the application's own (no caller).</li>
 * </ul>
 */
public final class HttpCallerSupplier implements CallerSupplier {

	private static final boolean SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.core.context.SecurityContextHolder",
			HttpCallerSupplier.class.getClassLoader());

	private final CallerSupplier security = SECURITY_PRESENT ? new SecurityContextCallerSupplier()
			: CallerSupplier.NONE;

	@Override
	public Optional<Caller> currentCaller() {
		Optional<Caller> caller = this.security.currentCaller();
		if (caller.isPresent() && !caller.get().anonymous()) {
			return caller;
		}
		Optional<HttpOrigin> origin = HttpOrigins.current();
		if (origin.isEmpty()) {
			// Spring Security's anonymous authentication outside of a request is still no
			// application call
			return caller;
		}
		String name = origin.get().principalName();
		return Optional.of((name != null && caller.isEmpty()) ? new Caller(name, Set.of()) : Caller.ANONYMOUS);
	}

}
