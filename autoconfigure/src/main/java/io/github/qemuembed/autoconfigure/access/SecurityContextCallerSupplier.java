package io.github.qemuembed.autoconfigure.access;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.access.CallerSupplier;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Supplies the caller from Spring Security's {@link SecurityContextHolder} of the current thread:
 * the principal's name and its authorities (roles included, as {@code ROLE_...}). Only a thread
 * without any authentication counts as the application's own call; an anonymous web request is a
 * caller (with {@code ROLE_ANONYMOUS}) and so needs a rule, and an authentication that is not
 * authenticated is a caller without authorities.
 */
public final class SecurityContextCallerSupplier implements CallerSupplier {

	@Override
	public Optional<Caller> currentCaller() {
		Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication == null) {
			return Optional.empty();
		}
		if (!authentication.isAuthenticated()) {
			return Optional.of(new Caller(authentication.getName(), Set.of()));
		}
		Set<String> authorities = authentication.getAuthorities()
			.stream()
			.map(GrantedAuthority::getAuthority)
			.filter((a) -> a != null)
			.collect(Collectors.toUnmodifiableSet());
		return Optional.of(new Caller(authentication.getName(), authorities));
	}

}
