package io.github.qemuembed.benchmarks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BenchmarkRunner}: which benchmarks run, and which rows and missing
 * rows they give, for the systems a run selects.
 */
class BenchmarkRunnerTests {

	private static final Machine MACHINE = new Machine(2, 1024, "6.1", "7.2", Optional.empty(), false, "17");

	private final ByteArrayOutputStream progress = new ByteArrayOutputStream();

	@Test
	void aBenchmarkOfTwoSystemsSeesAndReportsOnlyTheSelectedOne() {
		TwoSystems benchmark = new TwoSystems(Optional.empty());

		List<Row> rows = run(benchmark, Set.of(Systems.RAW_QEMU));

		assertThat(benchmark.measured).containsExactly(Systems.RAW_QEMU);
		assertThat(rows).extracting(Row::system).containsExactly(Systems.RAW_QEMU);
	}

	@Test
	void aBenchmarkOfNoSelectedSystemDoesNotRun() {
		TwoSystems benchmark = new TwoSystems(Optional.empty());

		assertThat(run(benchmark, Set.of(Systems.LIBVIRT))).isEmpty();
		assertThat(benchmark.measured).isEmpty();
	}

	@Test
	void anUnavailableBenchmarkGivesAMissingRowPerSelectedSystem() {
		TwoSystems benchmark = new TwoSystems(Optional.of("no tool"));

		List<Row> rows = run(benchmark, Set.copyOf(Systems.ALL));

		assertThat(rows).extracting(Row::system).containsExactly(Systems.QEMU_EMBED, Systems.RAW_QEMU);
		assertThat(rows).allSatisfy((row) -> assertThat(row.missing()).isEqualTo("no tool"));
	}

	private List<Row> run(Benchmark benchmark, Set<String> systems) {
		try (BenchmarkContext context = new BenchmarkContext(BenchmarkSettings.tiny(), MACHINE,
				Path.of("/usr/bin/qemu-system-x86_64"), systems)) {
			return new BenchmarkRunner(context, new PrintStream(this.progress, true, StandardCharsets.UTF_8))
				.run(List.of(benchmark), (scenario) -> true);
		}
	}

	/** Measures the systems the run selects, one row each. */
	private static final class TwoSystems implements Benchmark {

		private final Optional<String> unavailable;

		private final List<String> measured = new ArrayList<>();

		TwoSystems(Optional<String> unavailable) {
			this.unavailable = unavailable;
		}

		@Override
		public String scenario() {
			return "launch";
		}

		@Override
		public List<String> systems() {
			return List.of(Systems.QEMU_EMBED, Systems.RAW_QEMU);
		}

		@Override
		public Optional<String> unavailable(BenchmarkContext context) {
			return this.unavailable;
		}

		@Override
		public List<Row> run(BenchmarkContext context) {
			List<Row> rows = new ArrayList<>();
			for (String system : systems()) {
				if (context.measures(system)) {
					this.measured.add(system);
					rows.add(Row.single(scenario(), system, "time", "ms", 1));
				}
			}
			return rows;
		}

	}

}
