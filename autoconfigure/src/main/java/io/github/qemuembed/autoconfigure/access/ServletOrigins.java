package io.github.qemuembed.autoconfigure.access;

import java.security.Principal;
import java.util.Optional;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Origins of servlet requests. Loaded only when the Servlet API and Spring Web are
 * present.
 */
final class ServletOrigins {

	private ServletOrigins() {
	}

	static HttpOrigin of(HttpServletRequest request) {
		return HttpOrigin.of(request.getRemoteAddr(), request.getMethod(), () -> {
			Principal principal = request.getUserPrincipal();
			return (principal != null) ? principal.getName() : null;
		});
	}

	static Optional<HttpOrigin> fromRequestContext() {
		RequestAttributes attributes = RequestContextHolder.getRequestAttributes();
		if (attributes instanceof ServletRequestAttributes servlet) {
			return Optional.of(of(servlet.getRequest()));
		}
		return Optional.empty();
	}

}
