package io.github.qemuembed.it.spring;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.jayway.jsonpath.JsonPath;
import io.github.qemuembed.testsupport.process.QemuRoots;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import org.springframework.boot.SpringBootConfiguration;
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
import static org.awaitility.Awaitility.await;

/**
 * Block and network statistics and operation timers over real HTTP with real QEMU: a
 * guest-less domain with a raw disk and an {@code ethernet} tap, seen at
 * {@code /actuator/metrics} and in the Prometheus scrape; a SIGSTOPped QEMU, which no
 * longer answers {@code query-blockstats}, leaves metrics, health and the {@code qemu}
 * endpoint answering, its figures marked stale.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@SpringBootTest(classes = ActuatorMetricsIT.MetricsApplication.class,
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ActuatorMetricsIT {

	private static final Path root = createRoot();

	/**
	 * A tap name of our own (at most 15 characters), so that parallel runs do not
	 * collide.
	 */
	private static final String TAP = "qe"
			+ HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()).substring(0, 6);

	private static final HttpClient client = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	private static Path createRoot() {
		try {
			Path root = Files.createTempDirectory(Path.of("/tmp"), "qe-it");
			try (RandomAccessFile disk = new RandomAccessFile(root.resolve("disk.raw").toFile(), "rw")) {
				disk.setLength(1024 * 1024);
			}
			return root;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String domainXml() {
		return "<domain type='kvm'><name>delta</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>"
				+ "<os><type arch='x86_64' machine='q35'>hvm</type></os><devices>"
				+ "<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='"
				+ root.resolve("disk.raw") + "'/><target dev='vda' bus='virtio'/></disk>"
				+ "<interface type='ethernet'><target dev='" + TAP + "'/><model type='virtio'/></interface>"
				+ "</devices></domain>";
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("qemu.embed.root", root::toString);
		registry.add("qemu.embed.shutdown.mode", () -> "destroy");
		registry.add("qemu.embed.domains.delta.inline-xml", ActuatorMetricsIT::domainXml);
		registry.add("qemu.embed.domains.delta.autostart", () -> "true");
		registry.add("management.endpoint.qemu.access", () -> "unrestricted");
		registry.add("qemu.embed.actuator.timeout", () -> "1s");
		// the read left waiting on the stopped QEMU gives up after this, whatever happens
		// to the process
		registry.add("qemu.embed.qmp-timeout", () -> "3s");
		registry.add("qemu.embed.access.rules[0].permissions", () -> "*");
		registry.add("qemu.embed.access.rules[0].domains", () -> "*");
		registry.add("qemu.embed.access.rules[0].roles", () -> "OPERATOR");
		registry.add("management.endpoints.web.exposure.include", () -> "health,qemu,metrics,prometheus");
		registry.add("management.endpoint.health.show-details", () -> "always");
	}

	@AfterAll
	static void cleanUp() {
		QemuRoots.qemuUnder(root).forEach((p) -> signal("CONT", p.pid()));
		QemuRoots.cleanUp(root);
	}

	@Test
	@Order(1)
	void blockStatisticsAreMetersTaggedByTargetDevice() throws Exception {
		// SeaBIOS reads the disk's first sector looking for something to boot
		await().atMost(Duration.ofSeconds(20))
			.until(() -> value(
					get("/actuator/metrics/qemu.domain.block.read.bytes?tag=domain:delta&tag=device:vda")) > 0);
		HttpResponse<String> metric = get("/actuator/metrics/qemu.domain.block.read.ops?tag=device:vda");
		assertThat(metric.statusCode()).isEqualTo(200);
		assertThat(value(metric)).isPositive();
		assertThat(JsonPath.<String>read(get("/actuator/metrics/qemu.domain.block.read.bytes").body(), "$.baseUnit"))
			.isEqualTo("bytes");
		HttpResponse<String> scrape = get("/actuator/prometheus");
		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).contains("qemu_domain_block_read_bytes_total{device=\"vda\",domain=\"delta\"}")
			.contains("qemu_domain_block_write_bytes_total{device=\"vda\",domain=\"delta\"}")
			.contains("qemu_domain_block_read_ops_total{device=\"vda\",domain=\"delta\"}")
			.contains("qemu_domain_block_write_ops_total{device=\"vda\",domain=\"delta\"}")
			.contains("qemu_domain_statistics_stale{domain=\"delta\"} 0.0");
	}

	@Test
	@Order(2)
	void networkBytesAreReadFromTheTapInTheGuestsView() throws Exception {
		// an interface that is up sends IPv6 neighbour discovery into the tap: the host
		// transmits, the guest receives
		Process up = new ProcessBuilder("ip", "link", "set", "dev", TAP, "up").redirectErrorStream(true).start();
		assertThat(up.waitFor()).as(new String(up.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
		await().atMost(Duration.ofSeconds(20)).until(() -> hostBytes("tx_bytes") > 0);
		long hostTransmitted = hostBytes("tx_bytes");
		// counters only grow: what the scrape shows as received is at least what the host
		// had sent before it
		await().atMost(Duration.ofSeconds(30))
			.until(() -> scrapeValue("qemu_domain_network_received_bytes_total{device=\"" + TAP
					+ "\",domain=\"delta\"}") >= hostTransmitted);
		assertThat(get("/actuator/prometheus").body())
			.contains("qemu_domain_network_transmitted_bytes_total{device=\"" + TAP + "\",domain=\"delta\"}");
	}

	@Test
	@Order(3)
	void startAndDestroyAreTimedWhoeverCallsThem() throws Exception {
		assertThat(post("/actuator/qemu/delta/destroy").statusCode()).isEqualTo(200);
		assertThat(post("/actuator/qemu/delta/start").statusCode()).isEqualTo(200);
		assertThat(post("/actuator/qemu/delta/start").statusCode()).isEqualTo(409);
		String scrape = get("/actuator/prometheus").body();
		// recorded from the Observations by Boot's meter handler (which adds 'error');
		// the domain's name is a
		// high-cardinality key, on the spans only
		assertThat(scrapeValue(scrape, "qemu_domain_operations_seconds_count{error=\"none\",error_code=\"none\","
				+ "exception=\"none\",operation=\"destroy\",outcome=\"success\"}"))
			.isEqualTo(1.0);
		// the lifecycle's autostart, then the endpoint's start
		assertThat(scrapeValue(scrape, "qemu_domain_operations_seconds_count{error=\"none\",error_code=\"none\","
				+ "exception=\"none\",operation=\"start\",outcome=\"success\"}"))
			.isEqualTo(2.0);
		assertThat(scrapeValue(scrape, "qemu_domain_operations_seconds_count{error=\"InvalidOperationException\","
				+ "error_code=\"OPERATION_INVALID\",exception=\"InvalidOperationException\",operation=\"start\","
				+ "outcome=\"failure\"}"))
			.isEqualTo(1.0);
		// each start resumed the vCPUs with one 'cont'
		assertThat(scrapeValue(scrape, "qemu_qmp_seconds_count{command=\"cont\",error=\"none\",error_class=\"none\","
				+ "outcome=\"success\"}"))
			.isEqualTo(2.0);
		HttpResponse<String> timer = get(
				"/actuator/metrics/qemu.domain.operations?tag=operation:start&tag=outcome:success");
		assertThat(timer.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<List<Double>>read(timer.body(), "$.measurements[?(@.statistic=='COUNT')].value"))
			.containsExactly(2.0);
	}

	@Test
	@Order(4)
	void stoppedQemuLeavesEveryEndpointAnsweringWithStaleFigures() throws Exception {
		long pid = JsonPath.<Number>read(get("/actuator/qemu/delta").body(), "$.pid").longValue();
		String readBytes = "/actuator/metrics/qemu.domain.block.read.bytes?tag=device:vda";
		// this run's firmware has read the disk, and a stopped QEMU reads nothing more
		await().atMost(Duration.ofSeconds(20)).until(() -> value(get(readBytes)) > 0);
		double before = value(get(readBytes));
		signal("STOP", pid);
		try {
			// a stopped QEMU does not answer query-blockstats: the next refresh marks the
			// figures stale
			await().atMost(Duration.ofSeconds(30))
				.until(() -> scrapeValue("qemu_domain_statistics_stale{domain=\"delta\"}") == 1.0);
			HttpResponse<String> metric = get(readBytes);
			assertThat(metric.statusCode()).isEqualTo(200);
			assertThat(value(metric)).as("last known value").isEqualTo(before);
			HttpResponse<String> health = get("/actuator/health");
			assertThat(health.statusCode()).isEqualTo(200);
			assertThat(JsonPath.<String>read(health.body(), "$.components.qemu.details.stale.delta"))
				.contains("statistics");
			assertThat(get("/actuator/qemu").statusCode()).isEqualTo(200);
			assertThat(get("/actuator/qemu/delta").statusCode()).isEqualTo(200);
		}
		finally {
			signal("CONT", pid);
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> scrapeValue("qemu_domain_statistics_stale{domain=\"delta\"}") == 0.0);
	}

	private long hostBytes(String counter) throws IOException {
		return Long.parseLong(Files.readString(Path.of("/sys/class/net", TAP, "statistics", counter)).trim());
	}

	private double scrapeValue(String series) throws Exception {
		return scrapeValue(get("/actuator/prometheus").body(), series);
	}

	private static double scrapeValue(String scrape, String series) {
		Matcher matcher = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(scrape);
		return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
	}

	private static double value(HttpResponse<String> metric) {
		if (metric.statusCode() != 200) {
			return Double.NaN;
		}
		return JsonPath.<Number>read(metric.body(), "$.measurements[0].value").doubleValue();
	}

	private static void signal(String signal, long pid) {
		try {
			new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).GET());
	}

	private HttpResponse<String> post(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
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
	static class MetricsApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().authenticated())
				.httpBasic(Customizer.withDefaults())
				.csrf((csrf) -> csrf.disable())
				.build();
		}

		@Bean
		InMemoryUserDetailsManager users() {
			return new InMemoryUserDetailsManager(
					User.withUsername("otto").password("{noop}pw").roles("OPERATOR").build());
		}

	}

}
