package io.github.qemuembed.sample;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.List;

import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.process.QemuRoots;

import com.jayway.jsonpath.JsonPath;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Without Spring Security, a principal that the web tier authenticated (here a filter
 * that trusts a header, as behind an authenticating proxy; a servlet container's login
 * works the same) is the caller, matched by name in the rules: it may destroy the VM, the
 * anonymous caller may not, and both decisions are audit events with the principal's
 * name.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(ServletPrincipalTests.PreAuthenticated.class)
class ServletPrincipalTests {

	private static final Path root = QemuRoots.create();

	private static final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	QemuDriver driver;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("qemu.embed.root", root::toString);
		registry.add("qemu.embed.shutdown.mode", () -> "destroy");
		registry.add("server.address", () -> "127.0.0.1");
		registry.add("management.endpoint.qemu.access", () -> "unrestricted");
		registry.add("qemu.embed.access.rules[0].principals", () -> "carol");
		registry.add("qemu.embed.access.rules[0].permissions", () -> "domain.*");
		registry.add("management.endpoints.web.exposure.include", () -> "qemu,auditevents");
	}

	@AfterAll
	static void cleanUp() {
		QemuRoots.cleanUp(root);
	}

	@Test
	void theServersPrincipalIsTheCaller() throws Exception {
		HttpResponse<String> anonymous = post("/actuator/qemu/demo/destroy", null);
		assertThat(anonymous.statusCode()).isEqualTo(403);
		assertThat(this.driver.lookup("demo").status().state()).isEqualTo(DomainState.RUNNING);
		HttpResponse<String> mallory = post("/actuator/qemu/demo/destroy", "mallory");
		assertThat(mallory.statusCode()).isEqualTo(403);
		assertThat(JsonPath.<String>read(mallory.body(), "$.error")).contains("domain.getattr").contains("'mallory'");
		assertThat(this.driver.lookup("demo").status().state()).isEqualTo(DomainState.RUNNING);

		assertThat(post("/actuator/qemu/demo/destroy", "carol").statusCode()).isEqualTo(200);
		assertThat(this.driver.lookup("demo").status().state()).isEqualTo(DomainState.SHUTOFF);
		assertThat(QemuRoots.qemuUnder(root)).isEmpty();

		String denied = get("/actuator/auditevents?type=QEMU_ACCESS_DENIED").body();
		assertThat(JsonPath.<List<String>>read(denied, "$.events[*].principal")).containsExactlyInAnyOrder("anonymous",
				"mallory");
		// mallory may not even see the domain: the POST is refused at its lookup
		assertThat(JsonPath.<List<String>>read(denied, "$.events[*].data.permission"))
			.containsExactlyInAnyOrder("domain.stop", "domain.getattr");
		String granted = get("/actuator/auditevents?type=QEMU_ACCESS_GRANTED").body();
		assertThat(JsonPath.<List<String>>read(granted, "$.events[*].principal")).containsOnly("carol");
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path)).GET(), null);
	}

	private HttpResponse<String> post(String path, String user) throws IOException, InterruptedException {
		return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()), user);
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	private static HttpResponse<String> send(HttpRequest.Builder request, String user)
			throws IOException, InterruptedException {
		if (user != null) {
			request.header(PreAuthenticated.HEADER, user);
		}
		return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Trusts a header for the principal, as an application behind an authenticating proxy
	 * does.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class PreAuthenticated {

		static final String HEADER = "X-Authenticated-User";

		@Bean
		FilterRegistrationBean<OncePerRequestFilter> preAuthenticationFilter() {
			return new FilterRegistrationBean<>(new OncePerRequestFilter() {

				@Override
				protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
						FilterChain chain) throws ServletException, IOException {
					String user = request.getHeader(HEADER);
					if (user == null) {
						chain.doFilter(request, response);
						return;
					}
					Principal principal = () -> user;
					chain.doFilter(new HttpServletRequestWrapper(request) {

						@Override
						public Principal getUserPrincipal() {
							return principal;
						}

					}, response);
				}

			});
		}

		@Bean
		AuditEventRepository auditEventRepository() {
			return new InMemoryAuditEventRepository();
		}

	}

}
