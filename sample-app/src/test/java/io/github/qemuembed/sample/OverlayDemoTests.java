package io.github.qemuembed.sample;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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
 * The {@code overlay-demo} profile: a VM runs on a qcow2 overlay of a base image in the
 * embedded pool.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({ "guestless", "overlay-demo" })
class OverlayDemoTests {

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
	void theOverlayVmRunsOnAnOverlayOfTheSharedBase() throws Exception {
		Http http = new Http(this.port);
		assertThat(JsonPath.<String>read(http.get("/vms/overlay-vm").body(), "$.state")).isEqualTo("running/booted");
		assertThat(JsonPath.<String>read(http.get("/actuator/qemu/overlay-vm").body(), "$.xml"))
			.contains("<source pool='demo-images' volume='overlay-vm.qcow2'/>");
		Path pool = root.resolve("storage/demo-images");
		Process info = new ProcessBuilder("qemu-img", "info", "-U", pool.resolve("overlay-vm.qcow2").toString())
			.redirectErrorStream(true)
			.start();
		String out = new String(info.getInputStream().readAllBytes());
		assertThat(info.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(out).contains("backing file: " + pool.resolve("base.qcow2"));
		assertThat(JsonPath.<String>read(http.get("/vms/demo").body(), "$.state")).isEqualTo("running/booted");
	}

}
