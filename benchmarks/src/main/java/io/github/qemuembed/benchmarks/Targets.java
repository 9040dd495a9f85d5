package io.github.qemuembed.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The targets of the benchmark issue, checked against the rows of a run: each is met,
 * missed, or not measured (a missing row never counts as met).
 */
public final class Targets {

	private Targets() {
	}

	/** One line per target, as a Markdown list. */
	public static String render(List<Row> rows) {
		List<String> lines = new ArrayList<>();
		lines.add(ratio(rows, "launch", "time", 1.1, "launch ≤ 1.1× raw QEMU"));
		lines.add(ratio(rows, "qmp-rtt", "rtt-1vm", 1.3, "QMP round trip, 1 VM ≤ 1.3× raw QEMU"));
		manyVmRoundTrip(rows).ifPresentOrElse(
				(metric) -> lines.add(ratio(rows, "qmp-rtt", metric, 1.3,
						"QMP round trip, " + metric.substring(4, metric.length() - 3) + " VMs ≤ 1.3× raw QEMU")),
				() -> lines.add(notMeasured("QMP round trip, many VMs ≤ 1.3× raw QEMU")));
		lines.add(atMost(rows, "destroy", "time", 50, "destroy ≤ 50 ms median"));
		lines.add(atMost(rows, "open-cold", "time", 1000, "cold open ≤ 1 s"));
		lines.add(atMost(rows, "open-cold", "first-in-jvm", 300, "first open in a new JVM ≤ 300 ms"));
		lines.add(atMost(rows, "scale-50", "driver-threads-per-vm", 1, "50 VMs: ≤ 1 driver thread per VM"));
		lines.add(atMost(rows, "scale-50", "heap-per-vm", 256, "50 VMs: ≤ 256 KiB heap per VM"));
		lines.add(atMost(rows, "scale-200", "driver-threads-per-vm", 1, "200 VMs: ≤ 1 driver thread per VM"));
		lines.add(atMost(rows, "scale-200", "heap-per-vm", 256, "200 VMs: ≤ 256 KiB heap per VM"));
		Optional<Row> target = find(rows, "context-close", Systems.QEMU_EMBED, "graceful-target");
		lines.add(target
			.map((row) -> atMost(rows, "context-close", "graceful", row.median(),
					"context close (graceful) within the timeout + 1 s"))
			.orElse(notMeasured("context close (graceful) within the timeout + 1 s")));
		lines.add(atMost(rows, "mixed", "errors", 0, "mixed operations: 0 errors"));
		lines.add(atLeast(rows, "restore", "speedup", 10, "restore ≥ 10× faster than a boot of the same guest"));
		lines.add(withTail(rows, "console", "keystroke-echo-page", atMost(rows, "console", "keystroke-echo-page", 50,
				"browser console: keystroke to echo on the page ≤ 50 ms median")));
		StringBuilder out = new StringBuilder();
		lines.forEach((line) -> out.append("- ").append(line).append('\n'));
		return out.toString();
	}

	/** The many-VM round trip's metric ({@code rtt-50vms} in the full profile). */
	private static Optional<String> manyVmRoundTrip(List<Row> rows) {
		return rows.stream()
			.filter((row) -> !row.absent() && row.scenario().equals("qmp-rtt") && row.metric().startsWith("rtt-")
					&& !row.metric().equals("rtt-1vm"))
			.map(Row::metric)
			.findFirst();
	}

	private static String ratio(List<Row> rows, String scenario, String metric, double limit, String label) {
		Optional<Row> embed = find(rows, scenario, Systems.QEMU_EMBED, metric);
		Optional<Row> raw = find(rows, scenario, Systems.RAW_QEMU, metric);
		if (embed.isEmpty() || raw.isEmpty()) {
			return notMeasured(label);
		}
		double ratio = embed.get().median() / raw.get().median();
		return verdict(ratio <= limit, label, ratio(ratio, limit));
	}

	/**
	 * Two decimals, or three where two would round a ratio just over the limit down to it
	 * (1.103 against 1.1), so that a verdict never contradicts its number.
	 */
	private static String ratio(double ratio, double limit) {
		String twoDecimals = String.format(Locale.ROOT, "%.2f", ratio);
		boolean roundedOntoLimit = ratio != limit && Double.parseDouble(twoDecimals) == limit;
		return String.format(Locale.ROOT, roundedOntoLimit ? "%.3f×" : "%.2f×", ratio);
	}

	private static String atMost(List<Row> rows, String scenario, String metric, double limit, String label) {
		Optional<Row> row = find(rows, scenario, Systems.QEMU_EMBED, metric);
		if (row.isEmpty()) {
			return notMeasured(label);
		}
		return verdict(row.get().median() <= limit, label,
				MarkdownTable.format(row.get().median()) + " " + row.get().unit());
	}

	/** The line with the metric's 99th percentile added to what was measured. */
	private static String withTail(List<Row> rows, String scenario, String metric, String line) {
		return find(rows, scenario, Systems.QEMU_EMBED, metric)
			.map((row) -> line.substring(0, line.length() - 1) + "; p99 " + MarkdownTable.format(row.p99()) + " "
					+ row.unit() + " over " + row.n() + ")")
			.orElse(line);
	}

	private static String atLeast(List<Row> rows, String scenario, String metric, double limit, String label) {
		Optional<Row> row = find(rows, scenario, Systems.QEMU_EMBED, metric);
		if (row.isEmpty()) {
			return notMeasured(label);
		}
		return verdict(row.get().median() >= limit, label,
				MarkdownTable.format(row.get().median()) + " " + row.get().unit());
	}

	private static String verdict(boolean met, String label, String value) {
		return (met ? "met" : "**missed**") + ": " + label + " (measured " + value + ")";
	}

	private static String notMeasured(String label) {
		return "not measured: " + label;
	}

	private static Optional<Row> find(List<Row> rows, String scenario, String system, String metric) {
		return rows.stream()
			.filter((row) -> !row.absent() && row.scenario().equals(scenario) && row.system().equals(system)
					&& row.metric().equals(metric))
			.findFirst();
	}

}
