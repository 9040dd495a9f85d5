package io.github.qemuembed.benchmarks.raw;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Repeat;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;

/**
 * Scenario {@code launch} on raw QEMU: exec, monitor connect, {@code qmp_capabilities},
 * {@code cont} reply. Besides the total it reports each phase, which is where launch time
 * goes.
 */
public final class RawLaunchBenchmark implements Benchmark {

	@Override
	public String scenario() {
		return "launch";
	}

	@Override
	public String system() {
		return Systems.RAW_QEMU;
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		Path dir = context.newDirectory("qebl");
		Map<String, Samples> metrics = Repeat.measure(context.settings().warmups(), context.settings().runs(),
				(recorder) -> {
					Path monitor = dir.resolve("m.sock");
					List<String> argv = RawQemu.guestlessArgv(context.emulator(), context.machine().accel(), monitor);
					try (RawQemu vm = RawQemu.launch(argv, monitor, dir.resolve("qemu.log"), recorder)) {
						// running: nothing more to do
					}
				});
		List<Row> rows = new ArrayList<>();
		rows.add(Row.of(scenario(), system(), "time", "ms", metrics.remove("time")));
		metrics.forEach((metric, samples) -> rows.add(Row.of(scenario(), system(), metric, "ms", samples)));
		return rows;
	}

}
