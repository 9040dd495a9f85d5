package io.github.qemuembed.it.spring;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.process.QemuRoots;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code qemu} endpoint over real HTTP with Spring Security and real QEMU: the access
 * policy from {@code qemu.embed.access} sees the HTTP principal; a request without
 * credentials (Spring Security lets it through to the endpoint) is the anonymous caller,
 * which may read but not write; a principal without a rule is denied (403), one with a
 * rule allowed; every write decision is an audit event; health is the application's view
 * whoever asks.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
@SpringBootTest(classes = ActuatorSecurityIT.SecuredApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ActuatorSecurityIT {

	private static final String GUESTLESS = "<domain type='kvm'><name>alpha</name><memory unit='MiB'>64</memory>"
			+ "<vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>";

	private static final Path root = createRoot();

	private static final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	QemuDriver driver;

	private static Path createRoot() {
		try {
			return Files.createTempDirectory(Path.of("/tmp"), "qe-it");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("qemu.embed.root", root::toString);
		registry.add("qemu.embed.shutdown.mode", () -> "destroy");
		registry.add("qemu.embed.domains.alpha.inline-xml", () -> GUESTLESS);
		registry.add("qemu.embed.domains.alpha.autostart", () -> "true");
		registry.add("management.endpoint.qemu.access", () -> "unrestricted");
		registry.add("qemu.embed.access.rules[0].permissions", () -> "connect.*");
		registry.add("qemu.embed.access.rules[0].roles", () -> "VIEWER,OPERATOR");
		registry.add("qemu.embed.access.rules[1].permissions", () -> "domain.getattr,domain.read");
		registry.add("qemu.embed.access.rules[1].roles", () -> "VIEWER");
		registry.add("qemu.embed.access.rules[2].permissions", () -> "*");
		registry.add("qemu.embed.access.rules[2].roles", () -> "OPERATOR");
		registry.add("management.endpoints.web.exposure.include", () -> "health,qemu,metrics,prometheus,auditevents");
		registry.add("management.endpoint.health.show-details", () -> "always");
	}

	@AfterAll
	static void cleanUp() {
		QemuRoots.cleanUp(root);
	}

	@Test
	void principalWithoutARuleIsDeniedAndOneWithARuleAllowed() throws Exception {
		HttpResponse<String> anonymousList = get("/actuator/qemu", null);
		assertThat(anonymousList.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(anonymousList.body(), "$.domains[0].state")).isEqualTo("running");
		HttpResponse<String> anonymousDestroy = post("/actuator/qemu/alpha/destroy", null);
		assertThat(anonymousDestroy.statusCode()).isEqualTo(403);
		assertThat(JsonPath.<String>read(anonymousDestroy.body(), "$.error")).contains("domain.stop")
			.contains("an anonymous caller");
		assertThat(this.driver.lookup("alpha").status().state()).isEqualTo(DomainState.RUNNING);
		assertThat(QemuRoots.qemuUnder(root)).hasSize(1);

		assertThat(get("/actuator/qemu", "nobody").statusCode()).isEqualTo(403);
		assertThat(get("/actuator/qemu/alpha", "nobody").statusCode()).isEqualTo(403);

		HttpResponse<String> list = get("/actuator/qemu", "vera");
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(list.body(), "$.domains[0].state")).isEqualTo("running");
		assertThat(JsonPath.<String>read(list.body(), "$.domains[0].guestAgent")).as("no agent channel")
			.isEqualTo("none");
		assertThat(get("/actuator/qemu/alpha", "vera").statusCode()).isEqualTo(200);
		HttpResponse<String> denied = post("/actuator/qemu/alpha/destroy", "vera");
		assertThat(denied.statusCode()).isEqualTo(403);
		assertThat(JsonPath.<String>read(denied.body(), "$.error")).contains("domain.stop").contains("vera");
		assertThat(QemuRoots.qemuUnder(root)).hasSize(1);

		HttpResponse<String> destroyed = post("/actuator/qemu/alpha/destroy", "otto");
		assertThat(destroyed.statusCode()).isEqualTo(200);
		assertThat(QemuRoots.qemuUnder(root)).isEmpty();
		assertThat(this.driver.lookup("alpha").status().state()).isEqualTo(DomainState.SHUTOFF);

		String deniedEvents = get("/actuator/auditevents?type=QEMU_ACCESS_DENIED", "otto").body();
		assertThat(JsonPath.<List<String>>read(deniedEvents, "$.events[*].principal"))
			.containsExactlyInAnyOrder("anonymous", "vera");
		assertThat(JsonPath.<List<String>>read(deniedEvents, "$.events[*].data.permission"))
			.containsOnly("domain.stop");
		assertThat(JsonPath.<List<String>>read(deniedEvents, "$.events[*].data.domain")).containsOnly("alpha");
		assertThat(JsonPath.<List<String>>read(deniedEvents, "$.events[*].data.remoteAddress"))
			.allSatisfy((address) -> assertThat(address).isIn("127.0.0.1", "0:0:0:0:0:0:0:1"));
		String granted = get("/actuator/auditevents?type=QEMU_ACCESS_GRANTED", "otto").body();
		assertThat(JsonPath.<List<String>>read(granted, "$.events[*].principal")).containsOnly("otto");
		assertThat(JsonPath.<List<String>>read(granted, "$.events[*].data.permission")).containsOnly("domain.stop");
	}

	@Test
	void healthIsTheApplicationsViewWhoeverAsks() throws Exception {
		HttpResponse<String> health = get("/actuator/health", "nobody");
		assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
		assertThat(JsonPath.<String>read(health.body(), "$.components.qemu.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health.body(), "$.components.qemu.details.root")).isEqualTo(root.toString());
	}

	@Test
	void metricsAreInThePrometheusScrape() throws Exception {
		HttpResponse<String> scrape = get("/actuator/prometheus", "otto");
		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).contains("qemu_domains{state=\"running\"}")
			.contains("qemu_domain_memory_resident_bytes{domain=\"alpha\"}")
			.contains("qemu_domain_cpu_time_seconds_total{domain=\"alpha\"}");
		HttpResponse<String> metric = get("/actuator/metrics/qemu.domains", "otto");
		assertThat(metric.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(metric.body(), "$.name")).isEqualTo("qemu.domains");
	}

	private HttpResponse<String> get(String path, String user) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).GET(), user);
	}

	private HttpResponse<String> post(String path, String user) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()), user);
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	/** Sends as {@code user}, or without credentials when {@code null}. */
	private static HttpResponse<String> send(HttpRequest.Builder request, String user) throws Exception {
		if (user != null) {
			String credentials = Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8));
			request.header("Authorization", "Basic " + credentials);
		}
		return client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class SecuredApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			// the qemu endpoint is open to requests without credentials: the access
			// policy decides for them
			return http
				.authorizeHttpRequests((requests) -> requests.requestMatchers("/actuator/qemu", "/actuator/qemu/**")
					.permitAll()
					.anyRequest()
					.authenticated())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.disable())
				.build();
		}

		@Bean
		AuditEventRepository auditEventRepository() {
			return new InMemoryAuditEventRepository();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("nobody").password("{noop}pw").roles("USER").build(),
					User.withUsername("vera").password("{noop}pw").roles("VIEWER").build(),
					User.withUsername("otto").password("{noop}pw").roles("OPERATOR").build());
		}

	}

}
