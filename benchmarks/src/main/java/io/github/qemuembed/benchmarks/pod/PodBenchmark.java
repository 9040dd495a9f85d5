package io.github.qemuembed.benchmarks.pod;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.ProcessStats;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;

/**
 * Scenario {@code pod}: the sample app's container image as a pod runs it
 * (docs/kubernetes.md). The image's size and its runtime base's
 * ({@code docker image inspect}, decimal MB as Docker prints them); {@code start}: from
 * {@code docker run} until the readiness probe answers 200, i.e. the JVM serves and the
 * declared guest-less VM runs; then, in that container, the resident sets of its QEMU and
 * of the JVM. The container gets a memory limit and no /dev/kvm (a pod without the device
 * plugin: TCG), as in {@code SampleAppContainerIT}. The image is never built here (that
 * needs sample-app's jar): without it the rows are missing, with the command that builds
 * it.
 */
public final class PodBenchmark implements Benchmark {

	static final String IMAGE = "qemu-embed/sample-app:latest";

	static final String BASE = "qemu-embed/runtime:bookworm";

	private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	@Override
	public String scenario() {
		return "pod";
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.QEMU_EMBED);
	}

	@Override
	public Optional<String> unavailable(BenchmarkContext context) {
		if (docker("info", "--format", "{{.ServerVersion}}").isEmpty()) {
			return Optional.of("no usable Docker daemon (dev/setup starts dockerd)");
		}
		if (imageSize(IMAGE).isEmpty()) {
			return Optional.of("no image " + IMAGE
					+ ": run ./mvnw -pl sample-app -am package -DskipTests && dev/build-sample-image");
		}
		return Optional.empty();
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		List<Row> rows = new ArrayList<>();
		rows.add(Row.single(scenario(), Systems.QEMU_EMBED, "image-size", "MB", imageSize(IMAGE).orElseThrow() / 1e6));
		imageSize(BASE).ifPresent(
				(size) -> rows.add(Row.single(scenario(), Systems.QEMU_EMBED, "base-image-size", "MB", size / 1e6)));
		Samples start = new Samples();
		Samples qemuRss = new Samples();
		Samples jvmRss = new Samples();
		for (int run = 0; run < context.settings().guestRuns(); run++) {
			long begin = System.nanoTime();
			String id = docker("run", "--detach", "--memory", "768m", "--memory-swap", "768m", "--publish",
					"127.0.0.1::8080", IMAGE)
				.orElseThrow(() -> new IllegalStateException("docker run " + IMAGE + " failed"));
			try {
				awaitReady(id);
				start.add((System.nanoTime() - begin) / 1_000_000.0);
				long jvm = Long.parseLong(docker("inspect", "--format", "{{.State.Pid}}", id).orElseThrow());
				ProcessHandle qemu = ProcessHandle.of(jvm)
					.orElseThrow()
					.children()
					.filter((
							child) -> child.info().command().map((c) -> c.endsWith("qemu-system-x86_64")).orElse(false))
					.findFirst()
					.orElseThrow(() -> new IllegalStateException("no QEMU child of the app in container " + id));
				qemuRss.add(ProcessStats.rssMiB(qemu.pid()));
				jvmRss.add(ProcessStats.rssMiB(jvm));
			}
			finally {
				docker("rm", "--force", "--volumes", id);
			}
		}
		rows.add(Row.of(scenario(), Systems.QEMU_EMBED, "start-to-ready", "ms", start));
		rows.add(Row.of(scenario(), Systems.QEMU_EMBED, "qemu-rss-guestless-tcg", "MiB", qemuRss));
		rows.add(Row.of(scenario(), Systems.QEMU_EMBED, "jvm-rss", "MiB", jvmRss));
		return rows;
	}

	/**
	 * Until the readiness probe answers 200; fails as soon as the container has stopped.
	 */
	private void awaitReady(String id) throws InterruptedException {
		String port = docker("port", id, "8080/tcp").orElseThrow(() -> new IllegalStateException("no port for " + id));
		URI readiness = URI
			.create("http://" + port.lines().findFirst().orElseThrow().trim() + "/actuator/health/readiness");
		long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
		while (true) {
			try {
				HttpResponse<Void> response = this.http.send(
						HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.discarding());
				if (response.statusCode() == 200) {
					return;
				}
			}
			catch (IOException ex) {
				// not listening yet
			}
			if (!"true".equals(docker("inspect", "--format", "{{.State.Running}}", id).orElse(""))) {
				throw new IllegalStateException("container " + id + " stopped before it was ready: "
						+ docker("logs", "--tail", "20", id).orElse(""));
			}
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("container " + id + " not ready within " + READY_TIMEOUT);
			}
			Thread.sleep(100);
		}
	}

	private static Optional<Long> imageSize(String image) {
		return docker("image", "inspect", "--format", "{{.Size}}", image).map(Long::parseLong);
	}

	/** A docker command's output (stdout and stderr), or empty when it fails. */
	private static Optional<String> docker(String... arguments) {
		List<String> command = new ArrayList<>();
		command.add("docker");
		command.addAll(List.of(arguments));
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
				process.destroyForcibly();
				return Optional.empty();
			}
			return Optional.of(output);
		}
		catch (IOException ex) {
			return Optional.empty();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Optional.empty();
		}
	}

}
