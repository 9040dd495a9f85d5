package io.github.qemuembed.sample;

import java.nio.file.Path;
import java.util.List;

import io.github.qemuembed.testsupport.process.QemuRoots;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write operations of the {@code qemu} endpoint, turned on by Boot's endpoint access
 * ({@code management.endpoint.qemu.access=unrestricted}), for a caller a rule allows:
 * here the anonymous caller, named by a rule for the {@code demo} domain only (the sample
 * has no login; {@code ActuatorSecurityIT} does the same with Spring Security's
 * principals).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(WritableEndpointTests.Audit.class)
class WritableEndpointTests {

	private static final Path root = QemuRoots.create();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("qemu.embed.root", root::toString);
		registry.add("qemu.embed.shutdown.mode", () -> "destroy");
		registry.add("management.endpoint.qemu.access", () -> "unrestricted");
		registry.add("server.address", () -> "127.0.0.1");
		registry.add("qemu.embed.access.rules[0].principals", () -> "anonymous");
		registry.add("qemu.embed.access.rules[0].permissions", () -> "domain.*");
		registry.add("qemu.embed.access.rules[0].domains", () -> "demo");
		registry.add("management.endpoints.web.exposure.include", () -> "health,qemu,auditevents");
	}

	@AfterAll
	static void cleanUp() {
		QemuRoots.cleanUp(root);
	}

	@Test
	void writeOperationsWithTheirStatusCodes() {
		Http http = new Http(this.port);
		assertThat(http.post("/actuator/qemu/demo/start").statusCode()).isEqualTo(409);
		var destroyed = http.post("/actuator/qemu/demo/destroy");
		assertThat(destroyed.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(destroyed.body(), "$.status")).isEqualTo("shutoff/destroyed");
		assertThat(QemuRoots.qemuUnder(root)).isEmpty();
		assertThat(http.post("/actuator/qemu/demo/suspend").statusCode()).isEqualTo(409);
		assertThat(http.post("/actuator/qemu/demo/start").statusCode()).isEqualTo(200);
		assertThat(http.post("/actuator/qemu/demo/suspend").statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(http.get("/actuator/qemu/demo").body(), "$.state")).isEqualTo("paused");
		assertThat(http.post("/actuator/qemu/demo/resume").statusCode()).isEqualTo(200);
		assertThat(http.post("/actuator/qemu/nope/start").statusCode()).isEqualTo(404);
		assertThat(http.post("/actuator/qemu/demo/explode").statusCode()).isEqualTo(400);

		String granted = http.get("/actuator/auditevents?type=QEMU_ACCESS_GRANTED&principal=anonymous").body();
		assertThat(granted).as(() -> http.get("/actuator/auditevents").body()).contains("domain.stop");
		assertThat(JsonPath.<List<String>>read(granted, "$.events[*].data.permission")).contains("domain.stop",
				"domain.start", "domain.suspend");
		assertThat(JsonPath.<List<String>>read(granted, "$.events[*].data.domain")).containsOnly("demo");
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Audit {

		@Bean
		AuditEventRepository auditEventRepository() {
			return new InMemoryAuditEventRepository();
		}

	}

}
