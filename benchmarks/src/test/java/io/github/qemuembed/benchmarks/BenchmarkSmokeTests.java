package io.github.qemuembed.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every benchmark once at the smallest sizes, with real QEMU (and libvirt when
 * installed), so that the harness never rots. Asserts nothing about speed: only that each
 * scenario yields rows, that no benchmark fails, and that {@code results.json} is
 * well-formed.
 */
class BenchmarkSmokeTests {

	private static final Set<String> ROW_FIELDS = Set.of("scenario", "system", "metric", "unit", "median", "p90", "n");

	@Test
	void everyBenchmarkYieldsRowsAndTheResultsFileIsWellFormed(@TempDir Path dir) throws Exception {
		Path emulator = Commands.onPath("qemu-system-x86_64").orElseThrow();
		BenchmarkSettings settings = BenchmarkSettings.tiny();
		List<Benchmark> benchmarks = Benchmarks.all(settings);
		ByteArrayOutputStream progress = new ByteArrayOutputStream();
		List<Row> rows;
		try (BenchmarkContext context = new BenchmarkContext(settings, Machine.detect(emulator), emulator,
				Set.copyOf(Systems.ALL))) {
			rows = new BenchmarkRunner(context, new PrintStream(progress, true, StandardCharsets.UTF_8)).run(benchmarks,
					(scenario) -> true);
		}

		assertThat(rows).as(progress.toString(StandardCharsets.UTF_8))
			.noneMatch((row) -> row.absent() && row.missing().startsWith("failed"));
		for (Benchmark benchmark : benchmarks) {
			for (String scenario : benchmark.scenarios()) {
				for (String system : benchmark.systems()) {
					assertThat(rows).as("rows of %s on %s", scenario, system)
						.anyMatch((row) -> row.scenario().equals(scenario) && row.system().equals(system));
				}
			}
		}
		assertThat(rows.stream().filter((row) -> !row.absent())).isNotEmpty().allSatisfy((row) -> {
			assertThat(row.n()).isPositive();
			assertThat(row.median()).isNotNull();
			assertThat(row.p90()).isGreaterThanOrEqualTo(row.median());
			assertThat(row.unit()).isNotBlank();
		});

		Path file = dir.resolve("target/results.json");
		ResultsFile.write(file, rows);
		JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file));
		assertThat(json.isArray()).isTrue();
		assertThat(json.size()).isEqualTo(rows.size());
		for (JsonNode row : json) {
			assertThat(row.propertyNames()).containsAll(ROW_FIELDS);
			assertThat(Systems.ALL).contains(row.get("system").asString());
			if (row.has("missing")) {
				assertThat(row.get("missing").isString()).isTrue();
			}
			else {
				assertThat(row.get("median").isNumber()).isTrue();
			}
		}
		assertThat(MarkdownTable.render(rows)).contains("| launch | time | ms |");
	}

}
