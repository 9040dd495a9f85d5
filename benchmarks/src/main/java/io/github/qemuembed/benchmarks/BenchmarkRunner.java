package io.github.qemuembed.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

	/**
	 * Runs the benchmarks that measure a selected scenario on a system the context
	 * measures.
	 */
	public List<Row> run(List<Benchmark> benchmarks, Predicate<String> scenarios) {
		List<Row> rows = new ArrayList<>();
		for (Benchmark benchmark : benchmarks) {
			List<String> selected = benchmark.scenarios().stream().filter(scenarios).toList();
			List<String> systems = benchmark.systems().stream().filter(this.context::measures).toList();
			if (selected.isEmpty() || systems.isEmpty()) {
				continue;
			}
			rows.addAll(run(benchmark, selected, systems));
		}
		return rows;
	}

	private List<Row> run(Benchmark benchmark, List<String> selected, List<String> systems) {
		String label = String.join("+", benchmark.scenarios()) + " / " + String.join("+", systems);
		Optional<String> unavailable = benchmark.unavailable(this.context);
		if (unavailable.isPresent()) {
			this.progress.println("[bench] " + label + ": missing (" + unavailable.get() + ")");
			return missing(selected, systems, unavailable.get());
		}
		this.progress.println("[bench] " + label + " ...");
		long start = System.nanoTime();
		try {
			List<Row> rows = benchmark.run(this.context)
				.stream()
				.filter((row) -> selected.contains(row.scenario()) || !benchmark.scenarios().contains(row.scenario()))
				.filter((row) -> systems.contains(row.system()))
				.toList();
			this.progress.printf("[bench] %s done in %.1f s%n", label, (System.nanoTime() - start) / 1e9);
			return rows;
		}
		catch (Exception | AssertionError ex) {
			String reason = "failed: " + ex;
			this.progress.println("[bench] " + label + " " + reason);
			ex.printStackTrace(this.progress);
			return missing(selected, systems, reason);
		}
	}

	private static List<Row> missing(List<String> scenarios, List<String> systems, String reason) {
		return scenarios.stream()
			.flatMap((scenario) -> systems.stream().map((system) -> Row.missing(scenario, system, reason)))
			.toList();
	}

}
