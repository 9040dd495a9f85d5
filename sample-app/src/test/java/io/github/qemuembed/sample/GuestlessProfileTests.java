package io.github.qemuembed.sample;

import java.net.http.HttpResponse;
import java.nio.file.Path;

import io.github.qemuembed.testsupport.process.QemuRoots;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code guestless} profile keeps the firmware-only VM of {@code vms/demo.xml}: no
 * kernel, so nothing to fetch; it runs all the same.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("guestless")
class GuestlessProfileTests {

	private static final Path root = QemuRoots.create();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("qemu.embed.root", root::toString);
		registry.add("qemu.embed.shutdown.mode", () -> "destroy");
		registry.add("management.endpoints.web.exposure.include", () -> "qemu");
	}

	@AfterAll
	static void cleanUp() {
		QemuRoots.cleanUp(root);
	}

	@Test
	void theDemoVmIsFirmwareOnly() {
		Http http = new Http(this.port);
		assertThat(JsonPath.<String>read(http.get("/vms/demo").body(), "$.state")).isEqualTo("running/booted");
		HttpResponse<String> detail = http.get("/actuator/qemu/demo");
		assertThat(detail.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(detail.body(), "$.xml")).contains("<name>demo</name>")
			.doesNotContain("<kernel>");
		assertThat(QemuRoots.qemuUnder(root)).hasSize(1);
	}

}
