package io.github.qemuembed.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Collects the values of one or more metrics across the iterations of a measurement;
 * warm-up iterations get a recorder that discards.
 */
public final class Recorder {

	private static final Recorder DISCARD = new Recorder(false);

	private final boolean keep;

	private final Map<String, Samples> metrics = new LinkedHashMap<>();

	private Recorder(boolean keep) {
		this.keep = keep;
	}

	public static Recorder create() {
		return new Recorder(true);
	}

	public static Recorder discarding() {
		return DISCARD;
	}

	public void record(String metric, double value) {
		if (this.keep) {
			this.metrics.computeIfAbsent(metric, (key) -> new Samples()).add(value);
		}
	}

	/**
	 * Records the milliseconds elapsed since {@code startNanos} and returns the current
	 * time.
	 */
	public long lap(String metric, long startNanos) {
		long now = System.nanoTime();
		record(metric, (now - startNanos) / 1_000_000.0);
		return now;
	}

	public Map<String, Samples> metrics() {
		return this.metrics;
	}

}
