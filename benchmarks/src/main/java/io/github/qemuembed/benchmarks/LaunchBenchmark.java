package io.github.qemuembed.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.benchmarks.embed.EmbedLaunch;
import io.github.qemuembed.benchmarks.raw.RawLaunch;

/**
 * Scenario {@code launch} on qemu-embed and raw QEMU, alternating launch by launch. Run
 * one system after the other, the two met different machines: in back-to-back full runs
 * raw QEMU's own median moved by 13%, which decided whether the 1.1× target looked met.
 * Alternated, a drift in the host's speed falls on both alike.
 */
public final class LaunchBenchmark implements Benchmark {

	@Override
	public String scenario() {
		return "launch";
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.QEMU_EMBED, Systems.RAW_QEMU);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		EmbedLaunch embed = context.measures(Systems.QEMU_EMBED) ? EmbedLaunch.open(context) : null;
		try {
			Map<String, Repeat.Iteration> launches = new LinkedHashMap<>();
			if (embed != null) {
				launches.put(Systems.QEMU_EMBED, embed);
			}
			if (context.measures(Systems.RAW_QEMU)) {
				launches.put(Systems.RAW_QEMU, RawLaunch.create(context));
			}
			Map<String, Map<String, Samples>> metrics = Repeat.alternating(context.settings().warmups(),
					context.settings().runs(), launches);
			List<Row> rows = new ArrayList<>();
			metrics.forEach((system, samples) -> {
				rows.add(Row.of(scenario(), system, "time", "ms", samples.remove("time")));
				samples.forEach((metric, values) -> rows.add(Row.of(scenario(), system, metric, "ms", values)));
			});
			return rows;
		}
		finally {
			if (embed != null) {
				embed.close();
			}
		}
	}

}
