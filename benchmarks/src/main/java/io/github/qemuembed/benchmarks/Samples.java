package io.github.qemuembed.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Repeated measurements of one metric. Percentiles use the nearest-rank method, so every
 * reported value is one that was actually observed.
 */
public final class Samples {

	private final List<Double> values = new ArrayList<>();

	public void add(double value) {
		this.values.add(value);
	}

	public void addAll(Samples other) {
		this.values.addAll(other.values);
	}

	public int size() {
		return this.values.size();
	}

	public boolean isEmpty() {
		return this.values.isEmpty();
	}

	public double median() {
		return percentile(50);
	}

	/**
	 * The nearest-rank percentile.
	 * @param percent between 0 (exclusive) and 100 (inclusive)
	 */
	public double percentile(double percent) {
		if (this.values.isEmpty()) {
			throw new IllegalStateException("No samples");
		}
		List<Double> sorted = new ArrayList<>(this.values);
		Collections.sort(sorted);
		int rank = (int) Math.ceil(percent / 100.0 * sorted.size());
		return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
	}

	public double max() {
		return percentile(100);
	}

	public double sum() {
		return this.values.stream().mapToDouble(Double::doubleValue).sum();
	}

}
