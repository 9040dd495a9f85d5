package io.github.qemuembed.benchmarks.embed;

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
 * Scenario {@code destroy} on qemu-embed: from calling {@code destroy} until it has
 * returned, the domain is SHUTOFF and its QEMU process is gone.
 */
public final class EmbedDestroyBenchmark implements Benchmark {

	@Override
	public String scenario() {
		return "destroy";
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.QEMU_EMBED);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		QemuDriver driver = Embedded.open(context, context.newDirectory("qeed"));
		try {
			Domain domain = driver.define(Embedded.guestlessXml(context, "destroy"));
			Map<String, Samples> metrics = Repeat.measure(context.settings().warmups(), context.settings().runs(),
					(recorder) -> {
						domain.start();
						Embedded.awaitState(domain, DomainState.RUNNING);
						long pid = domain.info().pid().orElseThrow();
						long start = System.nanoTime();
						domain.destroy();
						Embedded.awaitState(domain, DomainState.SHUTOFF);
						ProcessHandle.of(pid).ifPresent(Embedded::awaitGone);
						recorder.lap("time", start);
					});
			return List.of(Row.of(scenario(), Systems.QEMU_EMBED, "time", "ms", metrics.get("time")));
		}
		finally {
			Embedded.destroyAllAndClose(driver);
		}
	}

}
