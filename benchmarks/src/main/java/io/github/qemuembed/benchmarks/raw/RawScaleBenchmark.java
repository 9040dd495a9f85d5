package io.github.qemuembed.benchmarks.raw;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Parallel;
import io.github.qemuembed.benchmarks.ProcessStats;
import io.github.qemuembed.benchmarks.ProcessStats.ThreadCensus;
import io.github.qemuembed.benchmarks.Recorder;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;

/**
 * Scenario {@code scale-N} on raw QEMU: N launches at once, one thread each, wall time
 * until all run; the live threads per VM once the launching threads are gone (the JDK's
 * process reaper: the floor for any Java program), and the resident memory of one QEMU,
 * which bounds how many VMs fit whatever drives them.
 */
public final class RawScaleBenchmark implements Benchmark {

	private final int vms;

	public RawScaleBenchmark(int vms) {
		this.vms = vms;
	}

	@Override
	public String scenario() {
		return "scale-" + this.vms;
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.RAW_QEMU);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		Samples wall = new Samples();
		Samples qemuRss = new Samples();
		Samples threadsPerVm = new Samples();
		Samples reaperThreadsPerVm = new Samples();
		int warmups = Math.min(1, context.settings().warmups());
		for (int run = 0; run < warmups + context.settings().scaleRuns(); run++) {
			Path dir = context.newDirectory("qebs");
			List<RawQemu> started = Collections.synchronizedList(new ArrayList<>());
			try {
				List<Callable<Void>> tasks = new ArrayList<>();
				for (int i = 0; i < this.vms; i++) {
					Path monitor = dir.resolve("m" + i + ".sock");
					Path log = dir.resolve("q" + i + ".log");
					List<String> argv = RawQemu.guestlessArgv(context.emulator(), context.machine().accel(), monitor,
							context.haltFirmware());
					tasks.add(() -> {
						started.add(RawQemu.launch(argv, monitor, log, Recorder.discarding()));
						return null;
					});
				}
				ThreadCensus threadsBefore = ProcessStats.threadCensus();
				long start = System.nanoTime();
				Parallel.run(this.vms, tasks);
				double wallMillis = (System.nanoTime() - start) / 1_000_000.0;
				if (run < warmups) {
					continue;
				}
				wall.add(wallMillis);
				ThreadCensus threadsAfter = ProcessStats.threadCensus();
				threadsPerVm.add(threadsAfter.attributablePerVm(threadsBefore, this.vms));
				reaperThreadsPerVm.add(threadsAfter.reapersPerVm(threadsBefore, this.vms));
				for (RawQemu vm : started) {
					qemuRss.add(ProcessStats.rssMiB(vm.process().pid()));
				}
			}
			finally {
				RawQemu.closeAll(started);
			}
		}
		return List.of(Row.of(scenario(), Systems.RAW_QEMU, "wall", "ms", wall),
				Row.of(scenario(), Systems.RAW_QEMU, "threads-per-vm", "threads", threadsPerVm),
				Row.of(scenario(), Systems.RAW_QEMU, "reaper-threads-per-vm", "threads", reaperThreadsPerVm),
				Row.of(scenario(), Systems.RAW_QEMU, "qemu-rss-per-vm", "MiB", qemuRss));
	}

}
