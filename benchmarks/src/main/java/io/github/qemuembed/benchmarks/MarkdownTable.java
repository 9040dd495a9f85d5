package io.github.qemuembed.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders rows as one Markdown table: a line per scenario and metric, a column per system
 * (median, and p90 when there are several measurements), and the ratios of qemu-embed's
 * median to raw QEMU's and libvirt's. Reasons for missing systems follow the table.
 */
public final class MarkdownTable {

	private MarkdownTable() {
	}

	public static String render(List<Row> rows) {
		Map<String, List<Row>> byScenario = new LinkedHashMap<>();
		rows.stream()
			.sorted(Comparator.comparingInt((Row row) -> Scenarios.rank(row.scenario())))
			.forEach((row) -> byScenario.computeIfAbsent(row.scenario(), (key) -> new ArrayList<>()).add(row));
		StringBuilder out = new StringBuilder();
		out.append("| scenario | metric | unit | ");
		Systems.ALL.forEach((system) -> out.append(Systems.title(system)).append(" | "));
		out.append("qemu-embed ÷ raw QEMU | qemu-embed ÷ libvirt |\n");
		out.append("|---|---|---|---|---|---|---|---|\n");
		List<String> notes = new ArrayList<>();
		byScenario.forEach((scenario, scenarioRows) -> {
			Set<String> metrics = new LinkedHashSet<>();
			scenarioRows.stream().filter((row) -> !row.absent()).forEach((row) -> metrics.add(row.metric()));
			if (metrics.isEmpty()) {
				metrics.add("-");
			}
			for (String metric : metrics) {
				String unit = "-";
				out.append("| ").append(scenario).append(" | ").append(metric).append(" | ");
				StringBuilder cells = new StringBuilder();
				for (String system : Systems.ALL) {
					Optional<Row> row = find(scenarioRows, system, metric);
					if (row.isPresent()) {
						unit = row.get().unit();
					}
					cells.append(cell(scenarioRows, system, row)).append(" | ");
				}
				out.append(unit).append(" | ").append(cells);
				out.append(ratio(scenarioRows, metric, Systems.RAW_QEMU)).append(" | ");
				out.append(ratio(scenarioRows, metric, Systems.LIBVIRT)).append(" |\n");
			}
			scenarioRows.stream()
				.filter(Row::absent)
				.forEach((row) -> notes.add(scenario + ", " + Systems.title(row.system()) + ": " + row.missing()));
		});
		if (!notes.isEmpty()) {
			out.append("\nMissing:\n\n");
			notes.stream().distinct().forEach((note) -> out.append("- ").append(note).append('\n'));
		}
		return out.toString();
	}

	private static Optional<Row> find(List<Row> rows, String system, String metric) {
		return rows.stream()
			.filter((row) -> !row.absent() && row.system().equals(system) && row.metric().equals(metric))
			.findFirst();
	}

	private static String cell(List<Row> rows, String system, Optional<Row> row) {
		if (row.isPresent()) {
			Row found = row.get();
			if (found.n() <= 1) {
				return format(found.median());
			}
			return format(found.median()) + " (p90 " + format(found.p90()) + ")";
		}
		boolean missing = rows.stream().anyMatch((each) -> each.absent() && each.system().equals(system));
		return missing ? "missing" : "";
	}

	private static String ratio(List<Row> rows, String metric, String baseline) {
		Optional<Row> embed = find(rows, Systems.QEMU_EMBED, metric);
		Optional<Row> base = find(rows, baseline, metric);
		if (embed.isEmpty() || base.isEmpty() || base.get().median() == 0
				|| !embed.get().unit().equals(base.get().unit())) {
			return "";
		}
		return String.format(Locale.ROOT, "%.2f×", embed.get().median() / base.get().median());
	}

	static String format(double value) {
		double abs = Math.abs(value);
		if (value == Math.rint(value) && abs < 1e9) {
			return String.format(Locale.ROOT, "%.0f", value);
		}
		if (abs >= 100) {
			return String.format(Locale.ROOT, "%.0f", value);
		}
		if (abs >= 10) {
			return String.format(Locale.ROOT, "%.1f", value);
		}
		return String.format(Locale.ROOT, "%.2f", value);
	}

}
