package io.github.qemuembed.benchmarks.raw;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Recorder;
import io.github.qemuembed.benchmarks.Repeat;

/**
 * One launch of raw QEMU, for scenario {@code launch}: exec, monitor connect,
 * {@code qmp_capabilities}, {@code cont} reply ({@code time}). Besides the total it
 * reports each phase, which is where launch time goes.
 */
public final class RawLaunch implements Repeat.Iteration {

	private final BenchmarkContext context;

	private final Path directory;

	private RawLaunch(BenchmarkContext context, Path directory) {
		this.context = context;
		this.directory = directory;
	}

	public static RawLaunch create(BenchmarkContext context) throws IOException {
		return new RawLaunch(context, context.newDirectory("qebl"));
	}

	@Override
	public void run(Recorder recorder) throws Exception {
		Path monitor = this.directory.resolve("m.sock");
		List<String> argv = RawQemu.guestlessArgv(this.context.emulator(), this.context.machine().accel(), monitor);
		try (RawQemu vm = RawQemu.launch(argv, monitor, this.directory.resolve("qemu.log"), recorder)) {
			// running: nothing more to do
		}
	}

}
