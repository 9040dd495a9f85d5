package io.github.qemuembed.driver.access;

import java.util.Objects;
import java.util.Set;

/**
 * Who is calling: a principal name and its authorities (roles are authorities too, e.g.
 * {@code ROLE_ADMIN}), or {@link #ANONYMOUS}, a caller from outside the application that
 * nobody authenticated (a web request without a principal). The application's own calls
 * have no caller at all. An anonymous caller is never confused with a principal of the
 * same name: policies ask {@link #anonymous()}.
 */
public record Caller(String name, Set<String> authorities, boolean anonymous) {

	/** A caller from outside the application without an authenticated principal. */
	public static final Caller ANONYMOUS = new Caller("anonymous", Set.of(), true);

	public Caller {
		Objects.requireNonNull(name, "name");
		authorities = Set.copyOf(authorities);
		if (anonymous && !authorities.isEmpty()) {
			// authorities are what an authentication grants; an unauthenticated caller
			// has none
			throw new IllegalArgumentException("An anonymous caller has no authorities");
		}
	}

	/** An authenticated principal. */
	public Caller(String name, Set<String> authorities) {
		this(name, authorities, false);
	}

	public static Caller of(String name, String... authorities) {
		return new Caller(name, Set.of(authorities));
	}

	public boolean hasAuthority(String authority) {
		return this.authorities.contains(authority);
	}

}
