package io.github.qemuembed.benchmarks;

import java.util.List;

/** Scenario ids in the order of the issue, for the table. */
public final class Scenarios {

	public static final List<String> ORDER = List.of("launch", "destroy", "open-cold", "open-warm", "scale-10",
			"scale-50", "guest-boot", "guest-shutdown", "restore", "agent-exec", "qmp-rtt", "mixed", "context-close",
			"actuator", "console", "pod");

	private Scenarios() {
	}

	/**
	 * Sort key: the order; a size not named there (e.g. {@code scale-100},
	 * {@code scale-2}) goes after the named members of its family.
	 */
	public static int rank(String scenario) {
		int index = ORDER.indexOf(scenario);
		if (index >= 0) {
			return index * 10;
		}
		int rank = ORDER.size() * 10;
		for (int i = 0; i < ORDER.size(); i++) {
			String family = ORDER.get(i).replaceAll("-[0-9]+$", "-");
			if (family.endsWith("-") && scenario.startsWith(family)) {
				rank = i * 10 + 1;
			}
		}
		return rank;
	}

}
