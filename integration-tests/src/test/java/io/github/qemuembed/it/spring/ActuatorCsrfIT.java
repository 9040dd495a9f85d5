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
import org.junit.jupiter.api.Test;

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
 * With Spring Security's CSRF protection on (its default, for applications that browsers
 * use with a session), a write operation without a CSRF token is refused before it
 * reaches the driver, even for a principal whose rule allows it: the VM keeps running and
 * no access decision is made.
 */
@SpringBootTest(classes = ActuatorCsrfIT.CsrfProtectedApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ActuatorCsrfIT {

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
		registry.add("qemu.embed.access.rules[0].permissions", () -> "*");
		registry.add("qemu.embed.access.rules[0].roles", () -> "OPERATOR");
		registry.add("management.endpoints.web.exposure.include", () -> "qemu,auditevents");
	}

	@AfterAll
	static void cleanUp() {
		QemuRoots.cleanUp(root);
	}

	@Test
	void writeWithoutCsrfTokenIsRefusedBeforeTheDriver() throws Exception {
		HttpResponse<String> destroy = send(
				HttpRequest.newBuilder(uri("/actuator/qemu/alpha/destroy")).POST(HttpRequest.BodyPublishers.noBody()));
		assertThat(destroy.statusCode()).isEqualTo(403);
		assertThat(this.driver.lookup("alpha").status().state()).isEqualTo(DomainState.RUNNING);
		assertThat(QemuRoots.qemuUnder(root)).hasSize(1);
		// reading needs no token, and the same principal may read
		assertThat(send(HttpRequest.newBuilder(uri("/actuator/qemu/alpha")).GET()).statusCode()).isEqualTo(200);
		String audit = send(HttpRequest.newBuilder(uri("/actuator/auditevents")).GET()).body();
		assertThat(JsonPath.<List<String>>read(audit, "$.events[*].type")).doesNotContain("QEMU_ACCESS_GRANTED",
				"QEMU_ACCESS_DENIED");
	}

	private URI uri(String path) {
		return URI.create("http://localhost:" + this.port + path);
	}

	private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
		String credentials = Base64.getEncoder().encodeToString("otto:pw".getBytes(StandardCharsets.UTF_8));
		return client.send(
				request.header("Authorization", "Basic " + credentials).timeout(Duration.ofSeconds(60)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class CsrfProtectedApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			// CSRF protection is left as Spring Security sets it up: on. The error page
			// is open, so
			// that a refusal is reported as itself (403) rather than as a failed error
			// dispatch (401)
			return http
				.authorizeHttpRequests(
						(requests) -> requests.requestMatchers("/error").permitAll().anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.build();
		}

		@Bean
		AuditEventRepository auditEventRepository() {
			return new InMemoryAuditEventRepository();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("otto").password("{noop}pw").roles("OPERATOR").build());
		}

	}

}
