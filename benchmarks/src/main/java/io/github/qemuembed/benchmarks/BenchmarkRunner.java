package io.github.qemuembed.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Runs benchmarks one after the other and collects their rows. A benchmark that cannot
 * run here yields a {@code missing} row with the reason; one that fails yields a row
 * saying so. Neither stops the others.
 */
public final class BenchmarkRunner {

	private final BenchmarkContext context;

	private final PrintStream progress;

	public BenchmarkRunner(BenchmarkContext context, PrintStream progress) {
		this.context = context;
		this.progress = progress;
	}

	/** Runs the benchmarks that measure a selected scenario on a selected system. */
	public List<Row> run(List<Benchmark> benchmarks, Predicate<String> scenarios, Set<String> systems) {
		List<Row> rows = new ArrayList<>();
		for (Benchmark benchmark : benchmarks) {
			List<String> selected = benchmark.scenarios().stream().filter(scenarios).toList();
			if (selected.isEmpty() || !systems.contains(benchmark.system())) {
				continue;
			}
			rows.addAll(run(benchmark, selected));
		}
		return rows;
	}

	private List<Row> run(Benchmark benchmark, List<String> selected) {
		String label = String.join("+", benchmark.scenarios()) + " / " + benchmark.system();
		Optional<String> unavailable = benchmark.unavailable(this.context);
		if (unavailable.isPresent()) {
			this.progress.println("[bench] " + label + ": missing (" + unavailable.get() + ")");
			return selected.stream().map((id) -> Row.missing(id, benchmark.system(), unavailable.get())).toList();
		}
		this.progress.println("[bench] " + label + " ...");
		long start = System.nanoTime();
		try {
			List<Row> rows = benchmark.run(this.context)
				.stream()
				.filter((row) -> selected.contains(row.scenario()) || !benchmark.scenarios().contains(row.scenario()))
				.toList();
			this.progress.printf("[bench] %s done in %.1f s%n", label, (System.nanoTime() - start) / 1e9);
			return rows;
		}
		catch (Exception | AssertionError ex) {
			String reason = "failed: " + ex;
			this.progress.println("[bench] " + label + " " + reason);
			ex.printStackTrace(this.progress);
			return selected.stream().map((id) -> Row.missing(id, benchmark.system(), reason)).toList();
		}
	}

}
