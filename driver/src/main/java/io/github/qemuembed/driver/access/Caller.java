package io.github.qemuembed.driver.access;

import java.util.Objects;
import java.util.Set;

/**
 * Who is calling: a principal name and its authorities (roles are authorities too, e.g.
 * {@code ROLE_ADMIN}). The application's own calls have no caller at all.
 */
public record Caller(String name, Set<String> authorities) {

	public Caller {
		Objects.requireNonNull(name, "name");
		authorities = Set.copyOf(authorities);
	}

	public static Caller of(String name, String... authorities) {
		return new Caller(name, Set.of(authorities));
	}

	public boolean hasAuthority(String authority) {
		return this.authorities.contains(authority);
	}

}
