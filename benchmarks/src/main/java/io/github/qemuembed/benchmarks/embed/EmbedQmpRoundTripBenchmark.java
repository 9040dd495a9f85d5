package io.github.qemuembed.benchmarks.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Parallel;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Scenario {@code qmp-rtt} on qemu-embed: {@code Domain.qmp(query-status)} round trips in
 * microseconds, on one VM, then on many VMs at once (one caller thread per VM).
 */
public final class EmbedQmpRoundTripBenchmark implements Benchmark {

	private static final String QUERY_STATUS = "{\"execute\":\"query-status\"}";

	@Override
	public String scenario() {
		return "qmp-rtt";
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.QEMU_EMBED);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		int manyVms = context.settings().qmpManyVms();
		QemuDriver driver = Embedded.open(context, context.newDirectory("qeeq"));
		try {
			List<Domain> domains = new ArrayList<>();
			List<Callable<Void>> starts = new ArrayList<>();
			for (int i = 0; i < manyVms; i++) {
				Domain domain = driver.define(Embedded.guestlessXml(context, "qmp" + i, context.haltFirmware()));
				domains.add(domain);
				starts.add(() -> {
					domain.start();
					Embedded.awaitState(domain, DomainState.RUNNING);
					return null;
				});
			}
			// one VM alone first, then the others (a few at a time: the start is not
			// measured here)
			starts.remove(0).call();
			Samples one = calls(domains.get(0), context.settings().qmpWarmupCalls(), context.settings().qmpCalls());
			Parallel.run(Math.min(4, starts.size()), starts);
			List<Callable<Samples>> callers = new ArrayList<>();
			for (Domain domain : domains) {
				callers.add(() -> calls(domain, context.settings().warmups() * 10, context.settings().qmpCallsPerVm()));
			}
			Samples many = new Samples();
			Parallel.run(domains.size(), callers).forEach(many::addAll);
			return List.of(Row.of(scenario(), Systems.QEMU_EMBED, "rtt-1vm", "us", one),
					Row.of(scenario(), Systems.QEMU_EMBED, "rtt-" + manyVms + "vms", "us", many));
		}
		finally {
			Embedded.destroyAllAndClose(driver);
		}
	}

	private static Samples calls(Domain domain, int warmups, int calls) {
		for (int i = 0; i < warmups; i++) {
			domain.qmp(QUERY_STATUS);
		}
		Samples samples = new Samples();
		for (int i = 0; i < calls; i++) {
			long start = System.nanoTime();
			domain.qmp(QUERY_STATUS);
			samples.add((System.nanoTime() - start) / 1_000.0);
		}
		return samples;
	}

}
