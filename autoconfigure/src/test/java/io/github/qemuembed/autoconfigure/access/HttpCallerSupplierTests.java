package io.github.qemuembed.autoconfigure.access;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import io.github.qemuembed.driver.access.Caller;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The three kinds of caller, told apart on the current thread. Over real HTTP, with and
 * without Spring Security, the sample application's and the integration tests' endpoints
 * are the proof; these pin down each case the supplier distinguishes.
 */
class HttpCallerSupplierTests {

	private final HttpCallerSupplier supplier = new HttpCallerSupplier();

	@AfterEach
	void clear() {
		SecurityContextHolder.clearContext();
		RequestContextHolder.resetRequestAttributes();
	}

	@Test
	void withoutRequestOrAuthenticationItIsTheApplication() {
		assertThat(this.supplier.currentCaller()).isEmpty();
	}

	@Test
	void aRequestWithoutPrincipalIsAnonymous() {
		assertThat(callerDuring(request(null))).contains(Caller.ANONYMOUS);
	}

	@Test
	void aRequestFoundOnlyInTheRequestContextIsAnonymousToo() {
		// the management server's DispatcherServlet fills RequestContextHolder; no filter
		// of ours runs there
		RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request(null)));
		assertThat(this.supplier.currentCaller()).contains(Caller.ANONYMOUS);
	}

	@Test
	void thePrincipalTheServerAuthenticatedIsTheCaller() {
		assertThat(callerDuring(request("carol"))).contains(new Caller("carol", Set.of()));
	}

	@Test
	void springSecuritysPrincipalWinsAndItsAnonymousTokenIsAnonymous() {
		SecurityContextHolder.getContext()
			.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("otto", "n/a",
					AuthorityUtils.createAuthorityList("ROLE_OPERATOR")));
		assertThat(callerDuring(request(null))).contains(Caller.of("otto", "ROLE_OPERATOR"));
		SecurityContextHolder.getContext()
			.setAuthentication(new AnonymousAuthenticationToken("key", "anonymousUser",
					AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS")));
		assertThat(callerDuring(request(null))).contains(Caller.ANONYMOUS);
		// outside of a request, Spring Security's anonymous token is no application call
		// either
		assertThat(this.supplier.currentCaller()).contains(Caller.ANONYMOUS);
	}

	@Test
	void theOriginGoesWithATaskToAnotherThreadAsItWasWhenWrapped() throws Exception {
		MockHttpServletRequest request = request(null);
		AtomicReference<Runnable> wrapped = new AtomicReference<>();
		AtomicReference<Optional<Caller>> seen = new AtomicReference<>();
		HttpOrigins.runWith(ServletOrigins.of(request),
				() -> wrapped.set(HttpOrigins.propagate(() -> seen.set(this.supplier.currentCaller()))));
		// the request ends and its object is reused for someone else before the task runs
		request.setUserPrincipal(() -> "mallory");
		CompletableFuture.runAsync(wrapped.get()).get();
		assertThat(seen.get()).contains(Caller.ANONYMOUS);
		CompletableFuture.runAsync(() -> seen.set(this.supplier.currentCaller())).get();
		assertThat(seen.get()).isEmpty();
	}

	@Test
	void theOriginIsGoneAfterTheRequest() {
		callerDuring(request(null));
		assertThat(HttpOrigins.current()).isEmpty();
		assertThat(this.supplier.currentCaller()).isEmpty();
	}

	private Optional<Caller> callerDuring(MockHttpServletRequest request) {
		AtomicReference<Optional<Caller>> caller = new AtomicReference<>();
		HttpOrigins.runWith(ServletOrigins.of(request), () -> caller.set(this.supplier.currentCaller()));
		return caller.get();
	}

	private static MockHttpServletRequest request(String principal) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/actuator/qemu/web/destroy");
		request.setRemoteAddr("192.0.2.7");
		if (principal != null) {
			request.setUserPrincipal(() -> principal);
		}
		return request;
	}

}
