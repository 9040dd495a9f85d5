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
import java.util.UUID;
import java.util.stream.Stream;

import com.jayway.jsonpath.JsonPath;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.secondary.SecondaryDriverFactory;
import io.github.qemuembed.driver.internal.remote.RemoteSecretDriver;
import io.github.qemuembed.driver.internal.rpc.LibvirtClient;
import io.github.qemuembed.driver.internal.rpc.RemoteObjects.SecretRef;
import io.github.qemuembed.testsupport.disk.LuksImages;
import io.github.qemuembed.testsupport.libvirt.LibvirtContainer;
import io.github.qemuembed.testsupport.process.QemuRoots;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter with a real libvirt daemon in a container, wired by
 * {@code @ServiceConnection} alone (no {@code qemu.embed.secondary.*} property), over
 * real HTTP:
 * <ul>
 * <li>a declared domain starts with a volume disk of the daemon's pool, a LUKS disk
 * unlocked by a secret from {@code qemu.embed.secrets.<uuid>.value}, and one unlocked by
 * a secret of the daemon (properties first, then the daemon);</li>
 * <li>{@code /actuator/health} shows the network, storage and secret drivers UP with
 * their endpoints, DOWN (HTTP 503) while the daemon is stopped, and UP again when it is
 * back;</li>
 * <li>the secret's value is masked in {@code /actuator/env} and
 * {@code /actuator/configprops} although both show values.</li>
 * </ul>
 * The pool's directory is shared with the container at the same path, so the daemon's
 * volume paths are valid for QEMU here.
 *
 * <p>
 * Order of the end: the context closes first (@DirtiesContext; its VMs are destroyed),
 * then the container is removed (@Testcontainers), then {@link CleanUp} (registered
 * first, so it runs last) kills anything a failed test left and removes the directories.
 */
@ExtendWith({ SecondaryDriversServiceConnectionIT.CleanUp.class, OutputCaptureExtension.class })
@Testcontainers
@SpringBootTest(classes = SecondaryDriversServiceConnectionIT.Application.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext
class SecondaryDriversServiceConnectionIT {

	private static final UUID PROPERTY_SECRET = UUID.fromString("3d2c9a5e-7b41-4f0e-a1c6-58e2f7d09b13");

	private static final String PROPERTY_PASSPHRASE = "passphrase-from-the-environment-42";

	private static final String DAEMON_PASSPHRASE = "passphrase-kept-by-the-daemon-17";

	private static final UUID DAEMON_SECRET = UUID.randomUUID();

	private static final Path shared = tempDirectory("qp");

	private static final Path root = tempDirectory("qe");

	@Container
	@ServiceConnection
	static final LibvirtContainer daemon = new LibvirtContainer().withSharedHostDirectory(shared);

	private static final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	QemuDriver driver;

	@LocalServerPort
	int port;

	@BeforeAll
	static void prepareThePoolAndTheLuksImages() throws Exception {
		Path pool = Files.createDirectory(shared.resolve("pool"));
		daemon.virsh("storage", "pool-define-as", "qe-pool", "dir", "--target", pool.toString());
		daemon.virsh("storage", "pool-start", "qe-pool");
		daemon.virsh("storage", "vol-create-as", "qe-pool", "data.qcow2", "16M", "--format", "qcow2");
		luks(shared.resolve("env.luks"), PROPERTY_PASSPHRASE);
		luks(shared.resolve("daemon.luks"), DAEMON_PASSPHRASE);
		try (RemoteSecretDriver secrets = (RemoteSecretDriver) SecondaryDriverFactory
			.secretDriver(daemon.unixUri("secret"), null, AccessPolicy.denyAll(), CallerSupplier.NONE)) {
			LibvirtClient client = secrets.client();
			SecretRef secret = client.secretDefine("<secret ephemeral='no' private='no'><uuid>" + DAEMON_SECRET
					+ "</uuid><usage type='volume'><volume>" + shared.resolve("daemon.luks")
					+ "</volume></usage></secret>");
			client.secretSetValue(secret, DAEMON_PASSPHRASE.getBytes(StandardCharsets.UTF_8));
		}
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("qemu.embed.root", root::toString);
		registry.add("qemu.embed.shutdown.mode", () -> "destroy");
		registry.add("qemu.embed.domains.vm.inline-xml", SecondaryDriversServiceConnectionIT::domainXml);
		registry.add("qemu.embed.domains.vm.autostart", () -> "true");
		registry.add("qemu.embed.secrets." + PROPERTY_SECRET + ".value", () -> PROPERTY_PASSPHRASE);
		registry.add("management.endpoints.web.exposure.include", () -> "health,env,configprops");
		registry.add("management.endpoint.health.show-details", () -> "always");
		registry.add("management.endpoint.env.show-values", () -> "always");
		registry.add("management.endpoint.configprops.show-values", () -> "always");
		registry.add("logging.level.io.github.qemuembed", () -> "debug");
	}

	private static String domainXml() {
		return """
				<domain type='kvm'>
				  <name>vm</name>
				  <memory unit='MiB'>64</memory>
				  <vcpu>1</vcpu>
				  <os><type arch='x86_64' machine='q35'>hvm</type></os>
				  <devices>
				    <disk type='volume' device='disk'>
				      <driver name='qemu' type='qcow2'/>
				      <source pool='qe-pool' volume='data.qcow2'/>
				      <target dev='vda' bus='virtio'/>
				    </disk>
				    <disk type='file' device='disk'>
				      <driver name='qemu' type='raw'/>
				      <source file='%s'/>
				      <target dev='vdb' bus='virtio'/>
				      <encryption format='luks'><secret type='passphrase' uuid='%s'/></encryption>
				    </disk>
				    <disk type='file' device='disk'>
				      <driver name='qemu' type='raw'/>
				      <source file='%s'/>
				      <target dev='vdc' bus='virtio'/>
				      <encryption format='luks'><secret type='passphrase' uuid='%s'/></encryption>
				    </disk>
				  </devices>
				</domain>
				""".formatted(shared.resolve("env.luks"), PROPERTY_SECRET, shared.resolve("daemon.luks"),
				DAEMON_SECRET);
	}

	@Test
	void declaredDomainRunsWithTheDaemonsVolumeAndBothLuksDisks(CapturedOutput output) throws IOException {
		Domain vm = this.driver.lookup("vm");
		assertThat(vm.status().state()).isEqualTo(DomainState.RUNNING);
		String nodes = vm.qmp("{\"execute\":\"query-named-block-nodes\"}");
		assertThat(nodes).contains(shared.resolve("pool/data.qcow2").toString())
			.contains(shared.resolve("env.luks").toString())
			.contains(shared.resolve("daemon.luks").toString())
			.contains("\"drv\":\"luks\"");
		String commandLine = Files.readString(Path.of("/proc/" + vm.info().pid().getAsLong() + "/cmdline"));
		assertThat(commandLine).doesNotContain(PROPERTY_PASSPHRASE).doesNotContain(DAEMON_PASSPHRASE);
		assertThat(logsUnder(root)).doesNotContain(PROPERTY_PASSPHRASE).doesNotContain(DAEMON_PASSPHRASE);
		// the application's log since before the context started, at debug level for
		// qemu-embed
		assertThat(output.getAll()).contains("qemu-embed driver opened")
			.doesNotContain(PROPERTY_PASSPHRASE)
			.doesNotContain(DAEMON_PASSPHRASE);
	}

	@Test
	void healthShowsEachSecondaryDriverUpThenDownWhileTheDaemonIsStopped() throws Exception {
		HttpResponse<String> up = get("/actuator/health");
		assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
		assertThat(read(up, "$.components.qemuSecondary.status")).isEqualTo("UP");
		for (String kind : new String[] { "network", "storage", "secret" }) {
			assertThat(read(up, "$.components.qemuSecondary.components." + kind + ".status")).as(kind).isEqualTo("UP");
		}
		assertThat(read(up, "$.components.qemuSecondary.components.storage.details.endpoint"))
			.isEqualTo(daemon.unixUri("storage"));
		assertThat(read(up, "$.components.qemuSecondary.components.network.details.endpoint"))
			.isEqualTo(daemon.unixUri("network"));
		assertThat(read(up, "$.components.qemuSecondary.components.secret.details.endpoint"))
			.isEqualTo("properties, " + daemon.unixUri("secret"));

		daemon.stopDaemon();
		try {
			HttpResponse<String> down = get("/actuator/health");
			assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
			assertThat(read(down, "$.components.qemuSecondary.status")).isEqualTo("DOWN");
			assertThat(read(down, "$.components.qemuSecondary.components.storage.status")).isEqualTo("DOWN");
			assertThat(read(down, "$.components.qemuSecondary.components.storage.details.error"))
				.contains(daemon.socketPath().toString());
			assertThat(read(down, "$.components.qemuSecondary.components.storage.details.property"))
				.isEqualTo("qemu.embed.secondary.storage");
			assertThat(read(down, "$.components.qemuSecondary.components.network.status")).isEqualTo("DOWN");
			assertThat(read(down, "$.components.qemuSecondary.components.secret.status")).isEqualTo("DOWN");
			assertThat(down.body()).doesNotContain(PROPERTY_PASSPHRASE);
		}
		finally {
			daemon.startDaemon();
		}
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
			HttpResponse<String> back = get("/actuator/health");
			assertThat(read(back, "$.components.qemuSecondary.status")).as(back.body()).isEqualTo("UP");
		});
	}

	@Test
	void secretValuesAreMaskedInEnvAndConfigprops() throws Exception {
		String key = "qemu.embed.secrets." + PROPERTY_SECRET + ".value";
		HttpResponse<String> env = get("/actuator/env");
		assertThat(env.statusCode()).isEqualTo(200);
		assertThat(env.body()).contains(key).doesNotContain(PROPERTY_PASSPHRASE);
		// values are shown otherwise: the masking is ours, not show-values
		assertThat(env.body()).contains(root.toString());
		HttpResponse<String> entry = get("/actuator/env/" + key);
		assertThat(entry.statusCode()).isEqualTo(200);
		assertThat(read(entry, "$.property.value")).isEqualTo("******");
		HttpResponse<String> configprops = get("/actuator/configprops");
		assertThat(configprops.statusCode()).isEqualTo(200);
		assertThat(configprops.body()).contains(PROPERTY_SECRET.toString())
			.contains(root.toString())
			.doesNotContain(PROPERTY_PASSPHRASE);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.timeout(Duration.ofSeconds(60))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String read(HttpResponse<String> response, String path) {
		return JsonPath.read(response.body(), path).toString();
	}

	private static String logsUnder(Path root) throws IOException {
		StringBuilder text = new StringBuilder();
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.filter((f) -> f.toString().endsWith(".log")).toList()) {
				text.append(Files.readString(file));
			}
		}
		return text.toString();
	}

	private static void luks(Path image, String passphrase) throws Exception {
		LuksImages.create(image, 16, passphrase);
	}

	private static Path tempDirectory(String prefix) {
		try {
			return Files.createTempDirectory(Path.of("/tmp"), prefix);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void deleteTree(Path directory) {
		FileTrees.deleteQuietly(directory);
	}

	static final class CleanUp implements AfterAllCallback {

		@Override
		public void afterAll(ExtensionContext extensionContext) throws IOException {
			QemuRoots.cleanUp(root);
			deleteTree(shared);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

		/**
		 * The Actuator endpoints are open: this test is about what they show, not who may
		 * see it.
		 */
		@Bean
		SecurityFilterChain openActuator(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
				.csrf((csrf) -> csrf.disable())
				.build();
		}

	}

}
