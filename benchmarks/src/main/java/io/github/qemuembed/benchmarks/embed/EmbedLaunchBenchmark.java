package io.github.qemuembed.benchmarks.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Repeat;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Scenario {@code launch} on qemu-embed: {@code define} then {@code start} until the
 * domain is RUNNING ({@code time}), with {@code define} and {@code start} also reported
 * on their own.
 */
public final class EmbedLaunchBenchmark implements Benchmark {

	@Override
	public String scenario() {
		return "launch";
	}

	@Override
	public String system() {
		return Systems.QEMU_EMBED;
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		QemuDriver driver = Embedded.open(context, context.newDirectory("qeel"));
		try {
			int[] counter = { 0 };
			Map<String, Samples> metrics = Repeat.measure(context.settings().warmups(), context.settings().runs(),
					(recorder) -> {
						String xml = Embedded.guestlessXml(context, "launch" + counter[0]++);
						long start = System.nanoTime();
						Domain domain = driver.define(xml);
						long defined = recorder.lap("define", start);
						try {
							domain.start();
							Embedded.awaitState(domain, DomainState.RUNNING);
							recorder.lap("start", defined);
							recorder.lap("time", start);
						}
						finally {
							if (domain.status().isActive()) {
								domain.destroy();
							}
							domain.undefine();
						}
					});
			List<Row> rows = new ArrayList<>();
			rows.add(Row.of(scenario(), system(), "time", "ms", metrics.remove("time")));
			metrics.forEach((metric, samples) -> rows.add(Row.of(scenario(), system(), metric, "ms", samples)));
			return rows;
		}
		finally {
			Embedded.destroyAllAndClose(driver);
		}
	}

}
