package io.github.qemuembed.autoconfigure.access;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Binds each request's {@link HttpOrigin} to the thread that serves it, so that a driver
 * call made while serving it, by any servlet or controller, is a remote caller's and
 * never the application's.
 */
final class HttpOriginFilter extends OncePerRequestFilter {

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		HttpOrigin previous = HttpOrigins.bind(ServletOrigins.of(request));
		try {
			chain.doFilter(request, response);
		}
		finally {
			HttpOrigins.restore(previous);
		}
	}

	@Override
	protected boolean shouldNotFilterAsyncDispatch() {
		// an async dispatch runs on another thread: it needs the origin there too
		return false;
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

}
