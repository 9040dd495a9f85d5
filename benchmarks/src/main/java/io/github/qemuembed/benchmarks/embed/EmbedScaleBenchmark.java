package io.github.qemuembed.benchmarks.embed;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Parallel;
import io.github.qemuembed.benchmarks.ProcessStats;
import io.github.qemuembed.benchmarks.ProcessStats.ThreadCensus;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Scenario {@code scale-N} on qemu-embed: N defined domains started at once, one caller
 * thread each; {@code wall} until all are RUNNING. Then, with the callers gone, what the
 * running VMs cost this JVM: live threads and heap (after GC) per VM, compared with the
 * driver open and the domains defined but not running, and the JVM's resident set.
 * {@code threads-per-vm} is the sum of {@code driver-threads-per-vm}, the driver's own
 * ({@code qemu-embed-*}; idle workers of its cached pool included, they end after 60 s),
 * and {@code reaper-threads-per-vm}, the JDK's process reapers (see
 * {@link ThreadCensus}). One untimed round first, so that one-time costs of the JVM
 * (class loading, jnr's native bindings) are not charged to the VMs.
 */
public final class EmbedScaleBenchmark implements Benchmark {

	private final int vms;

	public EmbedScaleBenchmark(int vms) {
		this.vms = vms;
	}

	@Override
	public String scenario() {
		return "scale-" + this.vms;
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.QEMU_EMBED);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		Samples wall = new Samples();
		Samples threadsPerVm = new Samples();
		Samples driverThreadsPerVm = new Samples();
		Samples reaperThreadsPerVm = new Samples();
		Samples heapPerVm = new Samples();
		Samples jvmRss = new Samples();
		int warmups = Math.min(1, context.settings().warmups());
		for (int run = 0; run < warmups + context.settings().scaleRuns(); run++) {
			QemuDriver driver = Embedded.open(context, context.newDirectory("qees"));
			try {
				List<Domain> domains = new ArrayList<>();
				for (int i = 0; i < this.vms; i++) {
					domains.add(driver.define(Embedded.guestlessXml(context, "scale" + i, context.haltFirmware())));
				}
				ThreadCensus threadsBefore = ProcessStats.threadCensus();
				long heapBefore = ProcessStats.heapAfterGc();
				List<Callable<Void>> starts = new ArrayList<>();
				for (Domain domain : domains) {
					starts.add(() -> {
						domain.start();
						Embedded.awaitState(domain, DomainState.RUNNING);
						return null;
					});
				}
				long start = System.nanoTime();
				Parallel.run(this.vms, starts);
				double wallMillis = (System.nanoTime() - start) / 1_000_000.0;
				if (run < warmups) {
					continue;
				}
				wall.add(wallMillis);
				ThreadCensus threadsAfter = ProcessStats.threadCensus();
				threadsPerVm.add(threadsAfter.attributablePerVm(threadsBefore, this.vms));
				driverThreadsPerVm.add(threadsAfter.driverPerVm(threadsBefore, this.vms));
				reaperThreadsPerVm.add(threadsAfter.reapersPerVm(threadsBefore, this.vms));
				heapPerVm.add((ProcessStats.heapAfterGc() - heapBefore) / 1024.0 / this.vms);
				jvmRss.add(ProcessStats.jvmRssMiB());
			}
			finally {
				Embedded.destroyAllAndClose(driver);
			}
		}
		return List.of(Row.of(scenario(), Systems.QEMU_EMBED, "wall", "ms", wall),
				Row.of(scenario(), Systems.QEMU_EMBED, "threads-per-vm", "threads", threadsPerVm),
				Row.of(scenario(), Systems.QEMU_EMBED, "driver-threads-per-vm", "threads", driverThreadsPerVm),
				Row.of(scenario(), Systems.QEMU_EMBED, "reaper-threads-per-vm", "threads", reaperThreadsPerVm),
				Row.of(scenario(), Systems.QEMU_EMBED, "heap-per-vm", "KiB", heapPerVm),
				Row.of(scenario(), Systems.QEMU_EMBED, "jvm-rss", "MiB", jvmRss));
	}

}
