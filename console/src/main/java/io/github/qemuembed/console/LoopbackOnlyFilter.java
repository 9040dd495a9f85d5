package io.github.qemuembed.console;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses the console's requests that reached the server on a non-loopback address,
 * unless {@code qemu.embed.console.allow-remote=true}. Decided per request from the
 * socket's local address (not from {@code server.address}, which may be unset, and not
 * from headers a client can forge), so that a server listening on every interface still
 * shows its VMs' shells only to this machine.
 */
final class LoopbackOnlyFilter extends OncePerRequestFilter {

	private final ConsolePaths paths;

	LoopbackOnlyFilter(ConsolePaths paths) {
		this.paths = paths;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String path = request.getRequestURI().substring(request.getContextPath().length());
		return !this.paths.owns(path);
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (isLoopback(request.getLocalAddr())) {
			chain.doFilter(request, response);
			return;
		}
		response.setStatus(HttpServletResponse.SC_FORBIDDEN);
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter()
			.write("The qemu-embed console answers only on the loopback interface (this request reached "
					+ request.getLocalAddr()
					+ "). Browse from this machine, or set qemu.embed.console.allow-remote=true behind a login (docs/console.md).\n");
	}

	static boolean isLoopback(String address) {
		if (address == null || address.isEmpty()) {
			return false;
		}
		// a literal from the socket: no name lookup happens for an IP address
		if (!address.chars().allMatch((c) -> Character.digit(c, 16) >= 0 || c == '.' || c == ':' || c == '%')) {
			return false;
		}
		try {
			return InetAddress.getByName(address).isLoopbackAddress();
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
