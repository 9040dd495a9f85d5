package io.github.qemuembed.console;

import java.util.Map;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.DomainNotFoundException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.error.QemuEmbedException;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Joins the domain's console during the handshake: the handshake is the only part of a
 * WebSocket that runs as the browser's web request (its principal, the starter's request
 * origin), so the access check happens here, never later on a container thread that would
 * count as the application. A refusal is not a failed handshake: the page must learn why,
 * so the socket opens and is closed at once with a code ({@code 4403} refused,
 * {@code 4404} unknown domain, {@code 4409} not running) and the message, without a byte
 * of the guest's.
 */
final class ConsoleHandshakeInterceptor implements HandshakeInterceptor {

	static final String HUB = ConsoleHandshakeInterceptor.class.getName() + ".hub";

	static final String REFUSAL = ConsoleHandshakeInterceptor.class.getName() + ".refusal";

	static final String DOMAIN = ConsoleHandshakeInterceptor.class.getName() + ".domain";

	/** Why a browser gets no console. */
	record Refusal(int code, String message) {

	}

	private final QemuDriver driver;

	private final ConsoleHubs hubs;

	private final ConsolePaths paths;

	ConsoleHandshakeInterceptor(QemuDriver driver, ConsoleHubs hubs, ConsolePaths paths) {
		this.driver = driver;
		this.hubs = hubs;
		this.paths = paths;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) {
		String path = request.getURI().getPath();
		String contextPath = (request instanceof ServletServerHttpRequest servlet)
				? servlet.getServletRequest().getContextPath() : "";
		String name = this.paths.consoleDomain(path.substring(Math.min(contextPath.length(), path.length())));
		if (name == null) {
			attributes.put(REFUSAL, new Refusal(4404, "No console at " + path));
			return true;
		}
		attributes.put(DOMAIN, name);
		try {
			Domain domain = this.driver.lookup(name);
			ConsoleHub hub = this.hubs.join(domain);
			attributes.put(HUB, hub);
			if (request instanceof ServletServerHttpRequest servlet) {
				servlet.getServletRequest().setAttribute(HUB, hub);
			}
		}
		catch (DomainNotFoundException ex) {
			attributes.put(REFUSAL, new Refusal(4404, ex.getMessage()));
		}
		catch (AccessDeniedException ex) {
			attributes.put(REFUSAL, new Refusal(4403, ex.getMessage()));
		}
		catch (InvalidOperationException ex) {
			attributes.put(REFUSAL, new Refusal(ConsoleHub.NOT_RUNNING, ex.getMessage()));
		}
		catch (QemuEmbedException ex) {
			// e.g. the console socket vanished as the domain stopped: the page waits for
			// it to run again
			attributes.put(REFUSAL, new Refusal(ConsoleHub.NOT_RUNNING,
					"The console of '" + name + "' is not available: " + ex.getMessage()));
		}
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Exception exception) {
		// a handshake that failed after joining never attaches a browser: don't hold
		// QEMU's console for it
		if (exception != null && request instanceof ServletServerHttpRequest servlet
				&& servlet.getServletRequest().getAttribute(HUB) instanceof ConsoleHub hub) {
			hub.closeIfUnused();
		}
	}

}
