package io.github.qemuembed.sample;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.qemuembed.testsupport.process.QemuRoots;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code qemu} health goes DOWN (HTTP 503) when the emulator binary disappears. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class EmulatorMissingHealthTests {

	private static final Path root = QemuRoots.create();

	private static final Path emulator = root.resolve("bin").resolve("qemu-system-x86_64");

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) throws Exception {
		Files.createDirectories(emulator.getParent());
		// a link, not a copy: QEMU finds its accelerator modules relative to the real
		// binary
		Files.createSymbolicLink(emulator, Path.of("/usr/bin/qemu-system-x86_64"));
		registry.add("qemu.embed.root", () -> root.resolve("r").toString());
		registry.add("qemu.embed.emulator", emulator::toString);
		registry.add("qemu.embed.shutdown.mode", () -> "destroy");
		registry.add("management.endpoint.health.show-details", () -> "always");
	}

	@AfterAll
	static void cleanUp() {
		QemuRoots.cleanUp(root);
	}

	@Test
	void healthGoesDownWhenTheEmulatorIsRemoved() throws Exception {
		Http http = new Http(this.port);
		assertThat(http.get("/actuator/health").statusCode()).isEqualTo(200);
		Files.delete(emulator);
		HttpResponse<String> health = http.get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(503);
		assertThat(JsonPath.<String>read(health.body(), "$.components.qemu.status")).isEqualTo("DOWN");
		assertThat(JsonPath.<String>read(health.body(), "$.components.qemu.details.reason"))
			.contains(emulator.toString())
			.contains("missing");
	}

}
