package io.github.qemuembed.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import io.github.qemuembed.testsupport.process.QemuRoots;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 21's smaller leak, as a user would meet it: the sample started in a JVM of its
 * own with a secret on its command line ({@code --qemu.embed.secrets.UUID.value=...}) and
 * Actuator showing values. The secret is in no Actuator response,
 * {@code sun.java.command} (the JVM's command line) included, and not in the log.
 */
class SecretsInEnvironmentTests {

	private static final String SECRET = "pass-" + UUID.randomUUID();

	private final Path root = QemuRoots.create();

	private Process app;

	@AfterEach
	void stop() throws Exception {
		if (this.app != null) {
			this.app.destroy();
			this.app.waitFor();
		}
		QemuRoots.cleanUp(this.root);
	}

	@Test
	void secretOnTheCommandLineIsInNoActuatorResponseNorTheLog() throws Exception {
		int port = freePort();
		Path log = this.root.resolve("app.log");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		this.app = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
				SampleApplication.class.getName(), "--server.port=" + port, "--server.address=127.0.0.1",
				"--qemu.embed.root=" + this.root, "--qemu.embed.shutdown.mode=destroy",
				"--qemu.embed.domains.demo.autostart=false",
				"--qemu.embed.secrets." + UUID.randomUUID() + ".value=" + SECRET,
				"--management.endpoints.web.exposure.include=health,env,configprops",
				"--management.endpoint.env.show-values=always", "--management.endpoint.configprops.show-values=always")
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		Http http = new Http(port);
		await().atMost(Duration.ofMinutes(3)).until(() -> !this.app.isAlive() || up(http));
		assertThat(this.app.isAlive()).as(() -> read(log)).isTrue();
		// the secret really is on the JVM's command line
		assertThat(Files.readString(Path.of("/proc/" + this.app.pid() + "/cmdline"))).contains(SECRET);

		HttpResponse<String> env = http.get("/actuator/env");
		assertThat(env.statusCode()).isEqualTo(200);
		assertThat(env.body()).contains("sun.java.command").contains("127.0.0.1").doesNotContain(SECRET);
		HttpResponse<String> command = http.get("/actuator/env/sun.java.command");
		assertThat(JsonPath.<String>read(command.body(), "$.property.value")).isEqualTo("******");
		HttpResponse<String> configprops = http.get("/actuator/configprops");
		assertThat(configprops.statusCode()).isEqualTo(200);
		assertThat(configprops.body()).contains("qemu.embed").doesNotContain(SECRET);
		assertThat(http.get("/actuator/health").body()).doesNotContain(SECRET);
		assertThat(read(log)).contains("Started SampleApplication").doesNotContain(SECRET);
	}

	private static boolean up(Http http) {
		try {
			return http.get("/actuator/health").statusCode() == 200;
		}
		catch (UncheckedIOException ex) {
			// not listening yet
			return false;
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static String read(Path log) {
		try {
			return Files.readString(log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
