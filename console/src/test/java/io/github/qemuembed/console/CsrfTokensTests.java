package io.github.qemuembed.console;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.security.web.csrf.DefaultCsrfToken;

import static org.assertj.core.api.Assertions.assertThat;

class CsrfTokensTests {

	@Test
	void aPostWithTheSessionsTokenIsValidAndNothingElseIs() {
		MockHttpSession session = new MockHttpSession();
		MockHttpServletRequest page = new MockHttpServletRequest("GET", "/qemu/");
		page.setSession(session);
		List<CsrfTokens.Token> tokens = CsrfTokens.forPage(page);
		assertThat(tokens).hasSize(1);
		String token = tokens.get(0).value();
		assertThat(token).hasSize(64);
		assertThat(CsrfTokens.forPage(page).get(0).value()).as("stable within the session").isEqualTo(token);

		assertThat(CsrfTokens.isValid(post(session, token))).isTrue();
		assertThat(CsrfTokens.isValid(post(session, null))).isFalse();
		assertThat(CsrfTokens.isValid(post(session, token.substring(1) + "0"))).isFalse();
		assertThat(CsrfTokens.isValid(post(new MockHttpSession(), token))).as("another session").isFalse();
		assertThat(CsrfTokens.isValid(post(null, token))).as("no session").isFalse();
	}

	@Test
	void thePageAlsoCarriesSpringSecuritysTokenWhenItIsThere() {
		MockHttpServletRequest page = new MockHttpServletRequest("GET", "/qemu/");
		page.setAttribute("org.springframework.security.web.csrf.CsrfToken",
				new DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", "spring-token"));
		assertThat(CsrfTokens.forPage(page)).extracting(CsrfTokens.Token::header)
			.containsExactly(CsrfTokens.HEADER, "X-CSRF-TOKEN");
		assertThat(CsrfTokens.forPage(page).get(1).value()).isEqualTo("spring-token");
	}

	private static MockHttpServletRequest post(MockHttpSession session, String token) {
		MockHttpServletRequest request = new MockHttpServletRequest("POST", "/qemu/domains/web/start");
		if (session != null) {
			request.setSession(session);
		}
		if (token != null) {
			request.addHeader(CsrfTokens.HEADER, token);
		}
		return request;
	}

}
