package io.github.qemuembed.benchmarks;

import java.util.List;
import java.util.Optional;

/** One scenario measured on one system, or on several in alternation. */
public interface Benchmark {

	/**
	 * The scenario id, as in {@code results.json} ({@code launch}, {@code scale-50},
	 * ...).
	 */
	String scenario();

	/**
	 * Every scenario id this benchmark produces rows for (one benchmark may measure
	 * several).
	 */
	default List<String> scenarios() {
		return List.of(scenario());
	}

	/**
	 * The systems it measures, each one of {@link Systems}. A benchmark that measures
	 * several alternates them, so that they meet the same machine; it measures only those
	 * of them the run selects ({@link BenchmarkContext#measures}).
	 */
	List<String> systems();

	/**
	 * Why this benchmark cannot run here (a missing tool or module), or empty if it can.
	 */
	default Optional<String> unavailable(BenchmarkContext context) {
		return Optional.empty();
	}

	/**
	 * Runs the measurements; every process it starts is gone when it returns, also on
	 * failure.
	 */
	List<Row> run(BenchmarkContext context) throws Exception;

}
