package io.github.qemuembed.sample;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;

import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.process.QemuRoots;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 21 as a user met it: the sample, without Spring Security, with the endpoint's
 * write operations on and Actuator on a management port of its own. A request without a
 * login is an anonymous caller: it may read, but a POST that would destroy the VM is
 * refused (403), on the management port and on the application's own API alike, and the
 * VM keeps running. Each refusal is an audit event.
 */
// the issue's own step, with the deprecated switch on the command line: it still turns
// the write
// operations on (as management.endpoint.qemu.access=unrestricted)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		args = "--qemu.embed.actuator.write-operations=true")
@Import(AnonymousCallerTests.Audit.class)
class AnonymousCallerTests {

	private static final Path root = QemuRoots.create();

	@LocalServerPort
	int port;

	@LocalManagementPort
	int managementPort;

	@Autowired
	QemuDriver driver;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("qemu.embed.root", root::toString);
		registry.add("qemu.embed.shutdown.mode", () -> "destroy");
		registry.add("management.server.port", () -> "0");
		registry.add("management.endpoints.web.exposure.include", () -> "health,qemu,auditevents");
	}

	@AfterAll
	static void cleanUp() {
		QemuRoots.cleanUp(root);
	}

	@Test
	void anonymousCallerReadsButCannotDestroyTheVm() {
		Http management = new Http(this.managementPort);
		HttpResponse<String> list = management.get("/actuator/qemu");
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(list.body(), "$.domains[0].state")).isEqualTo("running");
		assertThat(management.get("/actuator/qemu/demo").statusCode()).isEqualTo(200);

		HttpResponse<String> destroy = management.post("/actuator/qemu/demo/destroy");
		assertThat(destroy.statusCode()).isEqualTo(403);
		assertThat(JsonPath.<String>read(destroy.body(), "$.error")).contains("domain.stop")
			.contains("an anonymous caller");
		HttpResponse<String> stop = new Http(this.port).post("/vms/demo/stop?force=true");
		assertThat(stop.statusCode()).isEqualTo(403);
		assertThat(management.post("/actuator/qemu/demo/suspend").statusCode()).isEqualTo(403);

		// the application itself still may: it sees the VM untouched
		assertThat(this.driver.lookup("demo").status().state()).isEqualTo(DomainState.RUNNING);
		assertThat(QemuRoots.qemuUnder(root)).hasSize(1);

		HttpResponse<String> audit = management.get("/actuator/auditevents?type=QEMU_ACCESS_DENIED");
		assertThat(audit.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<List<String>>read(audit.body(), "$.events[*].principal")).hasSize(3)
			.containsOnly("anonymous");
		assertThat(JsonPath.<List<String>>read(audit.body(), "$.events[*].data.permission"))
			.containsExactlyInAnyOrder("domain.stop", "domain.stop", "domain.suspend");
		assertThat(JsonPath.<List<String>>read(audit.body(), "$.events[*].data.domain")).containsOnly("demo");
		assertThat(JsonPath.<List<String>>read(audit.body(), "$.events[*].data.remoteAddress"))
			.allSatisfy((address) -> assertThat(address).isIn("127.0.0.1", "0:0:0:0:0:0:0:1"));
		// reads leave no trace
		assertThat(JsonPath.<List<?>>read(management.get("/actuator/auditevents?type=QEMU_ACCESS_GRANTED").body(),
				"$.events"))
			.isEmpty();
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Audit {

		@Bean
		AuditEventRepository auditEventRepository() {
			return new InMemoryAuditEventRepository();
		}

	}

}
