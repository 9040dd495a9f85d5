package io.github.qemuembed.autoconfigure.access;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.access.CallerSupplier;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Supplies the caller from Spring Security's {@link SecurityContextHolder} of the current
 * thread: an authenticated principal with its name and authorities (roles included, as
 * {@code ROLE_...}). Spring Security's anonymous authentication, and an authentication
 * that is not authenticated, are {@link Caller#ANONYMOUS}. Without any authentication it
 * supplies nothing: whether the call is then the application's own or an anonymous web
 * request is for {@link HttpCallerSupplier} to say.
 */
public final class SecurityContextCallerSupplier implements CallerSupplier {

	@Override
	public Optional<Caller> currentCaller() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null) {
			return Optional.empty();
		}
		if (authentication instanceof AnonymousAuthenticationToken || !authentication.isAuthenticated()) {
			return Optional.of(Caller.ANONYMOUS);
		}
		Set<String> authorities = authentication.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.filter((a) -> a != null)
			.collect(Collectors.toUnmodifiableSet());
		return Optional.of(new Caller(authentication.getName(), authorities));
	}

}
