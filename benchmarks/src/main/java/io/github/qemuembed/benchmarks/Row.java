package io.github.qemuembed.benchmarks;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One line of {@code results.json}: a metric of one scenario measured on one system. A
 * row whose system could not be measured carries {@code missing} (the reason) and no
 * values.
 *
 * @param scenario scenario id ({@code launch}, {@code destroy}, ...)
 * @param system {@code qemu-embed}, {@code raw-qemu} or {@code libvirt}
 * @param metric what was measured within the scenario ({@code time},
 * {@code threads-per-vm}, ...)
 * @param unit unit of the values
 * @param median the median, {@code null} when missing
 * @param p90 the 90th percentile, {@code null} when missing
 * @param p99 the 99th percentile, {@code null} when missing
 * @param n how many measurements the values come from
 * @param missing why there is no value, or {@code null}
 */
@JsonPropertyOrder({ "scenario", "system", "metric", "unit", "median", "p90", "p99", "n", "missing" })
public record Row(String scenario, String system, String metric, String unit, Double median, Double p90, Double p99,
		int n, @JsonInclude(JsonInclude.Include.NON_NULL) String missing) {

	public static Row of(String scenario, String system, String metric, String unit, Samples samples) {
		return new Row(scenario, system, metric, unit, round(samples.median()), round(samples.percentile(90)),
				round(samples.percentile(99)), samples.size(), null);
	}

	/** A metric measured once (or a value that is itself a summary, like a rate). */
	public static Row single(String scenario, String system, String metric, String unit, double value) {
		double rounded = round(value);
		return new Row(scenario, system, metric, unit, rounded, rounded, rounded, 1, null);
	}

	public static Row missing(String scenario, String system, String reason) {
		return new Row(scenario, system, "-", "-", null, null, null, 0, reason);
	}

	/** Whether this row has no values (named so that it is not a JSON property). */
	public boolean absent() {
		return this.missing != null;
	}

	private static double round(double value) {
		return Math.round(value * 1000.0) / 1000.0;
	}

}
