package io.github.qemuembed.sample;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

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
import static org.awaitility.Awaitility.await;

/**
 * The {@code debian} profile, as the README runs it: the Debian 12 service VM boots from
 * test-support's cached image, and {@code GET /debian} shows a command run through the
 * guest agent and the SSH greeting read through the forwarded port.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles({ "guestless", "debian" })
class DebianDemoTests {

	private static final Path root = QemuRoots.create();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("qemu.embed.root", root::toString);
		registry.add("qemu.embed.shutdown.mode", () -> "destroy");
	}

	@AfterAll
	static void cleanUp() {
		QemuRoots.cleanUp(root);
	}

	@Test
	void theDebianVmAnswersThroughTheAgentAndTheForwardedPort() {
		Http http = new Http(this.port);
		AtomicReference<String> status = new AtomicReference<>();
		// the demo's own limits (a systemd + cloud-init boot under TCG) end it with
		// 'failed' before this does
		await().atMost(Duration.ofMinutes(25)).pollInterval(Duration.ofSeconds(2)).until(() -> {
			status.set(http.get("/debian").body());
			String phase = JsonPath.read(status.get(), "$.phase");
			return phase.equals("ready") || phase.equals("failed");
		});
		assertThat(JsonPath.<String>read(status.get(), "$.phase")).as(status.get()).isEqualTo("ready");
		assertThat(JsonPath.<Integer>read(status.get(), "$.exec.exitCode")).isZero();
		assertThat(JsonPath.<String>read(status.get(), "$.exec.stdout")).startsWith("hello from cloud-init\n")
			.contains("Linux 6.1");
		assertThat(JsonPath.<Integer>read(status.get(), "$.sshPort")).isPositive();
		assertThat(JsonPath.<String>read(status.get(), "$.sshBanner")).startsWith("SSH-2.0-OpenSSH");
	}

}
