package io.github.qemuembed.sample;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import io.github.qemuembed.testsupport.guest.TestGuest;
import io.github.qemuembed.testsupport.process.QemuRoots;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample application over real HTTP with real QEMU: its own {@code /vms} API and the
 * Actuator parts (health, {@code qemu} endpoint read-only, info, metrics) as a user would
 * expose them. The {@code open-demo} profile lets the anonymous caller start and stop the
 * demo VM ({@link AnonymousCallerTests} covers the default, where it may not).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("open-demo")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SampleApplicationTests {

	private static final Path root = QemuRoots.create();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("qemu.embed.root", root::toString);
		registry.add("qemu.embed.shutdown.mode", () -> "destroy");
		registry.add("management.endpoints.web.exposure.include", () -> "health,info,metrics,qemu");
		registry.add("management.endpoint.health.show-details", () -> "always");
		registry.add("management.info.qemu.enabled", () -> "true");
	}

	@AfterAll
	static void cleanUp() {
		QemuRoots.cleanUp(root);
	}

	private Http http() {
		return new Http(this.port);
	}

	@Test
	@Order(1)
	void declaredVmRunsWithTheApplication() {
		HttpResponse<String> vms = http().get("/vms");
		assertThat(vms.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(vms.body(), "$[0].name")).isEqualTo("demo");
		assertThat(JsonPath.<String>read(vms.body(), "$[0].state")).isEqualTo("running/booted");
		assertThat(QemuRoots.qemuUnder(root)).hasSize(1);
	}

	@Test
	@Order(1)
	void theBrowserConsoleListsTheDemoAtTheRoot() {
		HttpResponse<String> dashboard = http().get("/");
		assertThat(dashboard.statusCode()).isEqualTo(200);
		assertThat(dashboard.body()).contains("<tr data-domain=\"demo\"").contains("href=\"/domains/demo\"");
		HttpResponse<String> page = http().get("/domains/demo");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("data-socket=\"/domains/demo/console\"");
	}

	@Test
	@Order(2)
	void stopAndStartOverRest() {
		HttpResponse<String> stopped = http().post("/vms/demo/stop?force=true");
		assertThat(stopped.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(http().get("/vms/demo").body(), "$.state")).startsWith("shutoff");
		assertThat(QemuRoots.qemuUnder(root)).isEmpty();
		assertThat(http().post("/vms/demo/start").statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(http().get("/vms/demo").body(), "$.state")).isEqualTo("running/booted");
		assertThat(http().post("/vms/demo/start").statusCode()).isEqualTo(409);
		assertThat(http().get("/vms/nope").statusCode()).isEqualTo(404);
	}

	@Test
	@Order(3)
	void healthIsUpWithDetails() {
		HttpResponse<String> health = http().get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(health.body(), "$.components.qemu.status")).isEqualTo("UP");
		assertThat(JsonPath.<String>read(health.body(), "$.components.qemu.details.root")).isEqualTo(root.toString());
		assertThat(JsonPath.<Integer>read(health.body(), "$.components.qemu.details.domains.running")).isEqualTo(1);
	}

	@Test
	@Order(4)
	void qemuEndpointListsAndDetailsButCannotWrite() {
		HttpResponse<String> list = http().get("/actuator/qemu");
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(list.body(), "$.domains[0].name")).isEqualTo("demo");
		assertThat(JsonPath.<String>read(list.body(), "$.domains[0].state")).isEqualTo("running");
		assertThat(JsonPath.<Integer>read(list.body(), "$.domains[0].vcpus")).isEqualTo(1);
		HttpResponse<String> detail = http().get("/actuator/qemu/demo");
		assertThat(detail.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(detail.body(), "$.xml")).contains("<name>demo</name>");
		assertThat(JsonPath.<String>read(detail.body(), "$.logTail")).contains("qemu-system");
		assertThat(http().get("/actuator/qemu/nope").statusCode()).isEqualTo(404);
		// write operations are off by default: the path does not exist
		assertThat(http().post("/actuator/qemu/demo/destroy").statusCode()).isIn(404, 405);
	}

	@Test
	@Order(5)
	void infoAndMetrics() {
		HttpResponse<String> info = http().get("/actuator/info");
		assertThat(JsonPath.<String>read(info.body(), "$.qemu.version")).isNotBlank();
		HttpResponse<String> metric = http().get("/actuator/metrics/qemu.domains?tag=state:running");
		assertThat(metric.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<Double>read(metric.body(), "$.measurements[0].value")).isEqualTo(1.0);
	}

	@Test
	@Order(6)
	void killedVmMakesQemuHealthDegradedButKeepsTheApplicationUp() throws Exception {
		long pid = JsonPath.<Number>read(http().get("/actuator/qemu/demo").body(), "$.pid").longValue();
		ProcessHandle.of(pid).orElseThrow().destroyForcibly();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> JsonPath.<String>read(http().get("/actuator/health").body(), "$.components.qemu.status")
				.equals("DEGRADED"));
		HttpResponse<String> health = http().get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(health.body(), "$.status")).isEqualTo("UP");
		assertThat(JsonPath.<Object>read(health.body(), "$.components.qemu.details.crashed.demo")).isNotNull();
		// but the pod is not ready: its declared VM does not run
		HttpResponse<String> readiness = http().get("/actuator/health/readiness");
		assertThat(readiness.statusCode()).isEqualTo(503);
		assertThat(JsonPath.<String>read(readiness.body(), "$.components.qemuReadiness.details.notRunning.demo"))
			.isEqualTo("shutoff (crashed)");
		// started again, it is no longer counted as crashed
		assertThat(http().post("/vms/demo/start").statusCode()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> JsonPath.<String>read(http().get("/actuator/health").body(), "$.components.qemu.status")
				.equals("UP"));
	}

	@Test
	@Order(7)
	void stoppedQemuDoesNotHangHealthOrTheEndpoint() throws Exception {
		long pid = JsonPath.<Number>read(http().get("/actuator/qemu/demo").body(), "$.pid").longValue();
		Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start();
		assertThat(stop.waitFor()).isZero();
		try {
			// metrics send query-blockstats, which a stopped QEMU does not answer: they
			// report stale figures
			await().atMost(Duration.ofSeconds(30))
				.until(() -> JsonPath.<Double>read(
						http().get("/actuator/metrics/qemu.domain.statistics.stale?tag=domain:demo").body(),
						"$.measurements[0].value") == 1.0);
			assertThat(http().get("/actuator/metrics/qemu.domain.cpu.time").statusCode()).isEqualTo(200);
			HttpResponse<String> health = http().get("/actuator/health");
			assertThat(health.statusCode()).isIn(200, 503);
			assertThat(JsonPath.<String>read(health.body(), "$.components.qemu.details.stale.demo"))
				.contains("statistics");
			assertThat(http().get("/actuator/qemu").statusCode()).isEqualTo(200);
			assertThat(http().get("/actuator/qemu/demo").statusCode()).isEqualTo(200);
		}
		finally {
			new ProcessBuilder("kill", "-CONT", Long.toString(pid)).start().waitFor();
		}
	}

	@Test
	@Order(8)
	void theDemoGuestBootsToAShellAndAStopPowersItOffByItself() {
		// by default the demo runs the tiny test guest: its console shows the shell, and
		// it answers ACPI
		await().atMost(Duration.ofSeconds(120))
			.until(() -> http().get("/vms/demo/console").body().contains(TestGuest.READY_MARKER));
		HttpResponse<String> stopped = http().post("/vms/demo/stop?timeoutSeconds=60");
		assertThat(stopped.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(stopped.body(), "$.stopped")).isEqualTo("powered off");
		assertThat(QemuRoots.qemuUnder(root)).isEmpty();
	}

}
