package io.github.qemuembed.autoconfigure.access;

import java.util.List;

import io.github.qemuembed.driver.access.Caller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

class SecurityContextCallerSupplierTests {

	private final SecurityContextCallerSupplier supplier = new SecurityContextCallerSupplier();

	@AfterEach
	void clear() {
		SecurityContextHolder.clearContext();
	}

	@Test
	void noAuthenticationIsTheApplicationItself() {
		assertThat(this.supplier.currentCaller()).isEmpty();
	}

	@Test
	void authenticatedPrincipalWithItsAuthorities() {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("alice", "n/a",
					AuthorityUtils.createAuthorityList("ROLE_OPERATOR", "SCOPE_vm.read")));
		assertThat(this.supplier.currentCaller()).contains(Caller.of("alice", "ROLE_OPERATOR", "SCOPE_vm.read"));
	}

	@Test
	void anonymousAuthenticationIsTheAnonymousCallerAndNotTheApplication() {
		SecurityContextHolder.getContext()
			.setAuthentication(new AnonymousAuthenticationToken("key", "anonymousUser",
					AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
		assertThat(this.supplier.currentCaller()).contains(Caller.ANONYMOUS);
	}

	@Test
	void unauthenticatedTokenIsTheAnonymousCaller() {
		TestingAuthenticationToken token = new TestingAuthenticationToken("mallory", "n/a",
				List.of(new SimpleGrantedAuthority("ROLE_ADMIN")));
		token.setAuthenticated(false);
		SecurityContextHolder.getContext().setAuthentication(token);
		assertThat(this.supplier.currentCaller()).contains(Caller.ANONYMOUS);
	}

}
