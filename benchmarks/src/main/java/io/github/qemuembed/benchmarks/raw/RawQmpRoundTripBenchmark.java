package io.github.qemuembed.benchmarks.raw;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Parallel;
import io.github.qemuembed.benchmarks.Recorder;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;

/**
 * Scenario {@code qmp-rtt} on raw QEMU: {@code query-status} round trips in microseconds,
 * on one VM, then on many VMs at once (one thread per VM, all calling together).
 */
public final class RawQmpRoundTripBenchmark implements Benchmark {

	static final String QUERY_STATUS = "{\"execute\":\"query-status\"}";

	@Override
	public String scenario() {
		return "qmp-rtt";
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.RAW_QEMU);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		int manyVms = context.settings().qmpManyVms();
		Path dir = context.newDirectory("qebq");
		List<RawQemu> vms = Collections.synchronizedList(new ArrayList<>());
		try {
			List<Callable<Void>> launches = new ArrayList<>();
			for (int i = 0; i < manyVms; i++) {
				Path monitor = dir.resolve("m" + i + ".sock");
				Path log = dir.resolve("q" + i + ".log");
				List<String> argv = RawQemu.guestlessArgv(context.emulator(), context.machine().accel(), monitor,
						context.haltFirmware());
				launches.add(() -> {
					vms.add(RawQemu.launch(argv, monitor, log, Recorder.discarding()));
					return null;
				});
			}
			// one VM alone first, then the others (a few at a time: the launch is not
			// measured here)
			launches.remove(0).call();
			Samples one = calls(vms.get(0), context.settings().qmpWarmupCalls(), context.settings().qmpCalls());
			Parallel.run(Math.min(4, launches.size()), launches);

			List<Callable<Samples>> callers = new ArrayList<>();
			for (RawQemu vm : vms) {
				callers.add(() -> calls(vm, context.settings().warmups() * 10, context.settings().qmpCallsPerVm()));
			}
			Samples many = new Samples();
			Parallel.run(vms.size(), callers).forEach(many::addAll);
			return List.of(Row.of(scenario(), Systems.RAW_QEMU, "rtt-1vm", "us", one),
					Row.of(scenario(), Systems.RAW_QEMU, "rtt-" + manyVms + "vms", "us", many));
		}
		finally {
			RawQemu.closeAll(vms);
		}
	}

	private static Samples calls(RawQemu vm, int warmups, int calls) throws Exception {
		for (int i = 0; i < warmups; i++) {
			vm.qmp().execute(QUERY_STATUS);
		}
		Samples samples = new Samples();
		for (int i = 0; i < calls; i++) {
			long start = System.nanoTime();
			vm.qmp().execute(QUERY_STATUS);
			samples.add((System.nanoTime() - start) / 1_000.0);
		}
		return samples;
	}

}
