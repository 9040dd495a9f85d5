package io.github.qemuembed.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.security.web.csrf.CsrfToken;

/**
 * The CSRF tokens of the console's actions. The console always checks its own: a random
 * token in the HTTP session, sent back in a header by the page's script and compared in
 * constant time, so that a page of another site cannot post an action whatever the
 * application's security set-up. With Spring Security's CSRF protection in the chain, the
 * page sends Spring Security's token too, which its filter checks before the action is
 * reached.
 */
final class CsrfTokens {

	/** The header the page sends the console's own token in. */
	static final String HEADER = "X-Qemu-Console-Csrf";

	private static final String SPRING_SECURITY_TOKEN = "org.springframework.security.web.csrf.CsrfToken";

	private static final String SESSION_ATTRIBUTE = CsrfTokens.class.getName() + ".token";

	private static final SecureRandom random = new SecureRandom();

	private CsrfTokens() {
	}

	/** A header and the token to send in it. */
	record Token(String header, String value) {

	}

	/**
	 * The tokens the page sends with each action: the console's own, then Spring
	 * Security's if any.
	 */
	static List<Token> forPage(HttpServletRequest request) {
		List<Token> tokens = new ArrayList<>();
		HttpSession session = request.getSession(true);
		synchronized (session) {
			String token = (String) session.getAttribute(SESSION_ATTRIBUTE);
			if (token == null) {
				byte[] bytes = new byte[32];
				random.nextBytes(bytes);
				token = HexFormat.of().formatHex(bytes);
				session.setAttribute(SESSION_ATTRIBUTE, token);
			}
			tokens.add(new Token(HEADER, token));
		}
		Object springToken = request.getAttribute(SPRING_SECURITY_TOKEN);
		if (springToken != null) {
			tokens.add(SpringSecurityToken.of(springToken));
		}
		return tokens;
	}

	/** Whether a state-changing request carries the console's token of its session. */
	static boolean isValid(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		String sent = request.getHeader(HEADER);
		if (session == null || sent == null) {
			return false;
		}
		Object expected = session.getAttribute(SESSION_ATTRIBUTE);
		return expected instanceof String token && MessageDigest.isEqual(token.getBytes(StandardCharsets.US_ASCII),
				sent.getBytes(StandardCharsets.US_ASCII));
	}

	/** Loaded only when Spring Security is present. */
	private static final class SpringSecurityToken {

		static Token of(Object token) {
			CsrfToken csrf = (CsrfToken) token;
			return new Token(csrf.getHeaderName(), csrf.getToken());
		}

	}

}
