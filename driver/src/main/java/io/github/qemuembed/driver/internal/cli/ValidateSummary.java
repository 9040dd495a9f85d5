package io.github.qemuembed.driver.internal.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The totals of a {@code validate --summary} run: files per verdict, the files that need
 * each secondary driver, and the element paths refusals fall on most (indexes dropped, so
 * {@code disk[1]} and {@code disk[2]} count together).
 */
final class ValidateSummary {

	private final Map<String, Integer> verdicts = new TreeMap<>();

	private final Map<String, TreeSet<String>> drivers = new TreeMap<>();

	private final Map<String, Integer> refusals = new TreeMap<>();

	private int files;

	@SuppressWarnings("unchecked")
	void add(Map<String, Object> result) {
		this.files++;
		String status = (String) result.get("status");
		this.verdicts.merge(status, 1, Integer::sum);
		for (Map<String, String> requirement : (List<Map<String, String>>) result.get("requirements")) {
			this.drivers.computeIfAbsent(requirement.get("driver"), (name) -> new TreeSet<>())
				.add((String) result.get("file"));
		}
		if (!status.equals("valid")) {
			String path = (result.get("path") != null) ? ((String) result.get("path")).replaceAll("\\[\\d+\\]", "")
					: "(the document)";
			this.refusals.merge(status + " " + path, 1, Integer::sum);
		}
	}

	/** The most frequent refusal paths first (ties by name), at most {@code limit}. */
	private List<Map<String, Object>> topRefusals(int limit) {
		List<Map<String, Object>> top = new ArrayList<>();
		this.refusals.entrySet()
			.stream()
			.sorted((a, b) -> (a.getValue().equals(b.getValue())) ? a.getKey().compareTo(b.getKey())
					: b.getValue() - a.getValue())
			.limit(limit)
			.forEach((entry) -> {
				Map<String, Object> item = new LinkedHashMap<>();
				int space = entry.getKey().indexOf(' ');
				item.put("status", entry.getKey().substring(0, space));
				item.put("path", entry.getKey().substring(space + 1));
				item.put("files", entry.getValue());
				top.add(item);
			});
		return top;
	}

	Map<String, Object> toMap() {
		Map<String, Object> summary = new LinkedHashMap<>();
		summary.put("files", this.files);
		for (String status : List.of("valid", "unsupported", "invalid", "error")) {
			summary.put(status, this.verdicts.getOrDefault(status, 0));
		}
		Map<String, Object> needs = new LinkedHashMap<>();
		this.drivers.forEach((driver, files) -> needs.put(driver, List.copyOf(files)));
		summary.put("needs", needs);
		summary.put("refusals", topRefusals(10));
		return Map.of("summary", summary);
	}

	@SuppressWarnings("unchecked")
	String toText() {
		Map<String, Object> summary = (Map<String, Object>) toMap().get("summary");
		String nl = System.lineSeparator();
		StringBuilder text = new StringBuilder("summary: ").append(summary.get("files"))
			.append(" files: ")
			.append(summary.get("valid"))
			.append(" valid, ")
			.append(summary.get("unsupported"))
			.append(" unsupported, ")
			.append(summary.get("invalid"))
			.append(" invalid");
		if ((int) summary.get("error") > 0) {
			text.append(", ").append(summary.get("error")).append(" reader errors");
		}
		((Map<String, List<String>>) summary.get("needs")).forEach((driver, files) -> text.append(nl)
			.append("  the ")
			.append(driver)
			.append(" driver is needed by ")
			.append(files.size())
			.append(" file")
			.append(files.size() == 1 ? "" : "s")
			.append(": ")
			.append(String.join(", ", files)));
		for (Map<String, Object> refusal : (List<Map<String, Object>>) summary.get("refusals")) {
			text.append(nl)
				.append("  ")
				.append(refusal.get("files"))
				.append(" ")
				.append(refusal.get("status"))
				.append(" at ")
				.append(refusal.get("path"));
		}
		return text.toString();
	}

}
