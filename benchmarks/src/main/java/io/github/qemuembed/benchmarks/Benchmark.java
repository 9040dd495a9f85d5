package io.github.qemuembed.benchmarks;

import java.util.List;
import java.util.Optional;

/** One scenario measured on one system. */
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

	/** One of {@link Systems}. */
	String system();

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

	/** A benchmark that can never run here, reported as a missing row. */
	static Benchmark missing(String scenario, String system, String reason) {
		return new Benchmark() {

			@Override
			public String scenario() {
				return scenario;
			}

			@Override
			public String system() {
				return system;
			}

			@Override
			public Optional<String> unavailable(BenchmarkContext context) {
				return Optional.of(reason);
			}

			@Override
			public List<Row> run(BenchmarkContext context) {
				throw new IllegalStateException(reason);
			}

		};
	}

}
