package io.github.qemuembed.benchmarks.raw;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Recorder;
import io.github.qemuembed.benchmarks.Repeat;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;

/**
 * Scenario {@code destroy} on raw QEMU: {@code time} is SIGKILL until the process is
 * reaped; {@code sigterm} is SIGTERM until reaped, QEMU's own orderly exit, which is what
 * a destroy with a grace period costs at best.
 */
public final class RawDestroyBenchmark implements Benchmark {

	@Override
	public String scenario() {
		return "destroy";
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.RAW_QEMU);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		Path dir = context.newDirectory("qebd");
		Path monitor = dir.resolve("m.sock");
		List<String> argv = RawQemu.guestlessArgv(context.emulator(), context.machine().accel(), monitor);
		Map<String, Samples> metrics = Repeat.measure(context.settings().warmups(), context.settings().runs(),
				(recorder) -> {
					try (RawQemu vm = RawQemu.launch(argv, monitor, dir.resolve("qemu.log"), Recorder.discarding())) {
						long start = System.nanoTime();
						vm.process().destroyForcibly();
						vm.process().waitFor();
						recorder.lap("time", start);
					}
					try (RawQemu vm = RawQemu.launch(argv, monitor, dir.resolve("qemu.log"), Recorder.discarding())) {
						long start = System.nanoTime();
						vm.process().destroy();
						vm.process().waitFor();
						recorder.lap("sigterm", start);
					}
				});
		List<Row> rows = new ArrayList<>();
		metrics.forEach((metric, samples) -> rows.add(Row.of(scenario(), Systems.RAW_QEMU, metric, "ms", samples)));
		return rows;
	}

}
