package io.github.qemuembed.benchmarks.spring;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Parallel;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Scenario {@code actuator}: latency of {@code GET /actuator/qemu} and
 * {@code GET /actuator/health} over HTTP, with many defined domains of which half run.
 */
public final class ActuatorBenchmark implements Benchmark {

	@Override
	public String scenario() {
		return "actuator";
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.QEMU_EMBED);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		int defined = context.settings().actuatorDomains();
		ConfigurableApplicationContext application = BenchmarkApplication.run(context, context.newDirectory("qeea"),
				WebApplicationType.SERVLET, Map.of("management.endpoints.web.exposure.include", "health,qemu",
						"management.endpoint.health.show-details", "always", "qemu.embed.shutdown.mode", "destroy"));
		try {
			QemuDriver driver = application.getBean(QemuDriver.class);
			List<Callable<Void>> starts = new ArrayList<>();
			for (int i = 0; i < defined; i++) {
				Domain domain = driver.define(SpringDomains.guestlessXml(context, "act" + i));
				if (i % 2 == 0) {
					starts.add(() -> {
						domain.start();
						return null;
					});
				}
			}
			Parallel.run(Math.min(4, starts.size()), starts);
			String base = "http://localhost:" + application.getEnvironment().getProperty("local.server.port");
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
			Samples qemu = get(http, base + "/actuator/qemu", context);
			Samples health = get(http, base + "/actuator/health", context);
			return List.of(Row.of(scenario(), Systems.QEMU_EMBED, "qemu-" + defined + "-domains", "ms", qemu),
					Row.of(scenario(), Systems.QEMU_EMBED, "health-" + defined + "-domains", "ms", health));
		}
		finally {
			application.close();
		}
	}

	private static Samples get(HttpClient http, String url, BenchmarkContext context) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build();
		Samples samples = new Samples();
		int warmups = context.settings().warmups() * 5;
		for (int i = 0; i < warmups + context.settings().actuatorRequests(); i++) {
			long start = System.nanoTime();
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			double millis = (System.nanoTime() - start) / 1_000_000.0;
			if (response.statusCode() != 200) {
				throw new IllegalStateException(
						"GET " + url + " answered " + response.statusCode() + ": " + response.body());
			}
			if (i >= warmups) {
				samples.add(millis);
			}
		}
		return samples;
	}

}
