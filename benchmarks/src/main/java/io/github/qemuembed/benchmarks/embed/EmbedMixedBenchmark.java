package io.github.qemuembed.benchmarks.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Parallel;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Scenario {@code mixed} on qemu-embed: threads hammer a set of running VMs with a mix of
 * reads (status, info, XML, lookup, list) on any VM and state changes (suspend/resume,
 * QMP, reset, destroy/start) on the VMs each thread owns, for a fixed time. Ownership
 * keeps every operation valid by construction, so any error is the driver's: the expected
 * count is 0. The operations' 99th percentile is a row of its own
 * ({@code op-latency-p99}): the table shows medians and p90s only.
 */
public final class EmbedMixedBenchmark implements Benchmark {

	@Override
	public String scenario() {
		return "mixed";
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.QEMU_EMBED);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		int threads = context.settings().mixedThreads();
		int vms = Math.max(context.settings().mixedVms(), threads);
		long durationNanos = context.settings().mixedDuration().toNanos();
		QemuDriver driver = Embedded.open(context, context.newDirectory("qeem"));
		try {
			List<Domain> domains = new ArrayList<>();
			List<Callable<Void>> starts = new ArrayList<>();
			for (int i = 0; i < vms; i++) {
				Domain domain = driver.define(Embedded.guestlessXml(context, "mixed" + i, context.haltFirmware()));
				domains.add(domain);
				starts.add(() -> {
					domain.start();
					Embedded.awaitState(domain, DomainState.RUNNING);
					return null;
				});
			}
			Parallel.run(Math.min(4, vms), starts);

			AtomicLong errors = new AtomicLong();
			AtomicReference<Throwable> firstError = new AtomicReference<>();
			List<Callable<Samples>> workers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				List<Domain> owned = new ArrayList<>();
				for (int i = t; i < vms; i += threads) {
					owned.add(domains.get(i));
				}
				long seed = t;
				workers.add(() -> work(driver, domains, owned, new SplittableRandom(seed), durationNanos, errors,
						firstError));
			}
			long start = System.nanoTime();
			Samples latency = new Samples();
			Parallel.run(threads, workers).forEach(latency::addAll);
			double seconds = (System.nanoTime() - start) / 1e9;
			if (firstError.get() != null) {
				System.err.println("[bench] mixed: first of " + errors.get() + " errors: " + firstError.get());
			}
			// the set-up and the tail next to the figures: the table says what was run,
			// not only how fast
			return List.of(Row.single(scenario(), Systems.QEMU_EMBED, "clients", "threads", threads),
					Row.single(scenario(), Systems.QEMU_EMBED, "vms", "count", vms),
					Row.single(scenario(), Systems.QEMU_EMBED, "ops-per-s", "ops/s", latency.size() / seconds),
					Row.single(scenario(), Systems.QEMU_EMBED, "errors", "count", errors.get()),
					Row.of(scenario(), Systems.QEMU_EMBED, "op-latency", "ms", latency),
					Row.single(scenario(), Systems.QEMU_EMBED, "op-latency-p99", "ms", latency.percentile(99)));
		}
		finally {
			Embedded.destroyAllAndClose(driver);
		}
	}

	private static Samples work(QemuDriver driver, List<Domain> all, List<Domain> owned, SplittableRandom random,
			long durationNanos, AtomicLong errors, AtomicReference<Throwable> firstError) {
		Samples latency = new Samples();
		long end = System.nanoTime() + durationNanos;
		while (System.nanoTime() < end) {
			long start = System.nanoTime();
			try {
				operate(driver, all.get(random.nextInt(all.size())), owned.get(random.nextInt(owned.size())),
						random.nextInt(100));
			}
			catch (RuntimeException ex) {
				errors.incrementAndGet();
				firstError.compareAndSet(null, ex);
			}
			latency.add((System.nanoTime() - start) / 1_000_000.0);
		}
		return latency;
	}

	/**
	 * One operation; {@code dice} in [0, 100) picks it: 60 % reads, 40 % on an owned VM.
	 */
	private static void operate(QemuDriver driver, Domain any, Domain own, int dice) {
		if (dice < 15) {
			any.status();
		}
		else if (dice < 30) {
			any.info();
		}
		else if (dice < 40) {
			any.xml(false);
		}
		else if (dice < 50) {
			driver.lookup(any.name());
		}
		else if (dice < 60) {
			driver.list(DomainListFilter.ACTIVE);
		}
		else if (dice < 80) {
			own.qmp("{\"execute\":\"query-status\"}");
		}
		else if (dice < 92) {
			own.suspend();
			own.resume();
		}
		else if (dice < 97) {
			own.reset();
		}
		else {
			own.destroy();
			own.start();
		}
	}

}
