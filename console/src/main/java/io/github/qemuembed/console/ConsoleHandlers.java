package io.github.qemuembed.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.DomainNotFoundException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.error.QemuEmbedException;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The console's HTTP side: the dashboard, a domain's page, the dashboard's event stream
 * and the actions. Every driver call is made on the request's thread, so the access
 * policy sees the request's caller (a web request is never the application itself).
 */
final class ConsoleHandlers {

	/**
	 * How long one event stream lasts; the browser's EventSource reconnects by itself.
	 */
	private static final Duration STREAM_LIFETIME = Duration.ofMinutes(30);

	/** Headers of every page: no inline script, no framing, no sniffing. */
	private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
			+ "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";

	private final QemuDriver driver;

	private final DashboardSampler sampler;

	private final ConsoleAccess access;

	private final ConsolePaths paths;

	private final PageRenderer pages;

	private final Duration shutdownTimeout;

	ConsoleHandlers(QemuDriver driver, DashboardSampler sampler, ConsoleAccess access, ConsolePaths paths,
			Duration shutdownTimeout) {
		this.driver = driver;
		this.sampler = sampler;
		this.access = access;
		this.paths = paths;
		this.pages = new PageRenderer(paths);
		this.shutdownTimeout = shutdownTimeout;
	}

	RouterFunction<ServerResponse> routes() {
		RouterFunctions.Builder routes = RouterFunctions.route();
		if (!this.paths.base().isEmpty()) {
			routes.GET(this.paths.base(),
					(request) -> ServerResponse.status(HttpStatus.FOUND)
						.header("Location", request.requestPath().contextPath().value() + this.paths.dashboard())
						.build());
		}
		return routes.GET(this.paths.dashboard(), this::dashboard)
			.GET(this.paths.events(), this::events)
			.GET(this.paths.base() + "/domains/{name}", this::domainPage)
			.POST(this.paths.base() + "/domains/{name}/{action}", this::action)
			.build();
	}

	private ServerResponse dashboard(ServerRequest request) {
		List<DomainRow> rows = this.sampler.rowsFor(this.access.currentCaller());
		return html(HttpStatus.OK, this.pages.dashboard(rows, CsrfTokens.forPage(request.servletRequest())));
	}

	private ServerResponse domainPage(ServerRequest request) {
		String name = request.pathVariable("name");
		Domain domain;
		try {
			domain = this.driver.lookup(name);
			domain.status();
		}
		catch (QemuEmbedException ex) {
			return errorPage(ex);
		}
		String found = domain.name();
		DomainRow row = this.sampler.rowsFor(this.access.currentCaller())
			.stream()
			.filter((r) -> r.name().equals(found))
			.findFirst()
			.orElse(null);
		if (row == null) {
			return errorPage(new DomainNotFoundException("No domain named '" + name + "'"));
		}
		return html(HttpStatus.OK, this.pages.domain(row, CsrfTokens.forPage(request.servletRequest())));
	}

	private ServerResponse events(ServerRequest request) {
		// captured here, on the request's thread: the sampler sends from its own threads
		Caller caller = this.access.currentCaller();
		return ServerResponse.sse((sse) -> {
			Runnable unsubscribe = this.sampler.subscribe(caller, new DashboardSampler.Sink() {

				@Override
				public void send(String json) throws IOException {
					synchronized (sse) {
						sse.event("domains").data(json);
					}
				}

				@Override
				public void complete() {
					sse.complete();
				}

			});
			sse.onComplete(unsubscribe);
			sse.onTimeout(unsubscribe);
			sse.onError((ex) -> unsubscribe.run());
		}, STREAM_LIFETIME);
	}

	private ServerResponse action(ServerRequest request) {
		String name = request.pathVariable("name");
		String action = request.pathVariable("action");
		if (!CsrfTokens.isValid(request.servletRequest())) {
			return json(HttpStatus.FORBIDDEN,
					result(name, action, false, "CSRF_TOKEN",
							"The request has no valid CSRF token of this session (header " + CsrfTokens.HEADER
									+ "): reload the page and try again"));
		}
		if (!PageRenderer.ACTIONS.contains(action)) {
			return json(HttpStatus.BAD_REQUEST, result(name, action, false, "INVALID_ARG",
					"Unknown action '" + action + "': use one of " + String.join(", ", PageRenderer.ACTIONS)));
		}
		try {
			Domain domain = this.driver.lookup(name);
			String message = run(domain, action);
			Map<String, Object> body = result(domain.name(), action, true, null, message);
			body.put("status", domain.status().toString());
			return json(HttpStatus.OK, body);
		}
		catch (QemuEmbedException ex) {
			return json(status(ex), result(name, action, false, ex.code().name(), ex.getMessage()));
		}
	}

	private String run(Domain domain, String action) {
		switch (action) {
			case "start" -> domain.start();
			case "shutdown" -> {
				boolean clean = domain.shutdown(this.shutdownTimeout);
				return clean ? "powered off" : "forced off after " + this.shutdownTimeout.toSeconds() + " s";
			}
			case "reboot" -> domain.reboot();
			case "suspend" -> domain.suspend();
			case "resume" -> domain.resume();
			case "destroy" -> domain.destroy();
			default -> throw new IllegalArgumentException(action);
		}
		return switch (action) {
			case "start" -> "started";
			case "reboot" -> "asked to reboot";
			case "suspend" -> "paused";
			case "resume" -> "resumed";
			default -> "destroyed";
		};
	}

	private static Map<String, Object> result(String domain, String action, boolean ok, String error, String message) {
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("domain", domain);
		body.put("action", action);
		body.put("ok", ok);
		if (error != null) {
			body.put("error", error);
		}
		body.put("message", message);
		return body;
	}

	private ServerResponse errorPage(QemuEmbedException ex) {
		HttpStatus status = status(ex);
		return html(status, this.pages.error(status.value(), status.getReasonPhrase(), ex.getMessage()));
	}

	static HttpStatus status(QemuEmbedException ex) {
		if (ex instanceof DomainNotFoundException) {
			return HttpStatus.NOT_FOUND;
		}
		if (ex instanceof AccessDeniedException) {
			return HttpStatus.FORBIDDEN;
		}
		if (ex instanceof InvalidOperationException) {
			return HttpStatus.CONFLICT;
		}
		return HttpStatus.INTERNAL_SERVER_ERROR;
	}

	private static ServerResponse html(HttpStatus status, String html) {
		return ServerResponse.status(status)
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.header("Content-Security-Policy", CSP)
			.header("X-Content-Type-Options", "nosniff")
			.header("Cache-Control", "no-store")
			.body(html);
	}

	private static ServerResponse json(HttpStatus status, Map<String, Object> body) {
		return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).body(body);
	}

}
