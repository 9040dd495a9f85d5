package io.github.qemuembed.benchmarks.libvirt;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;

/**
 * Scenarios {@code launch} and {@code destroy} on libvirt's embedded driver: one virsh
 * process alternates {@code start} and {@code destroy} of one defined guest-less domain;
 * the times are what {@code virsh -t} prints for each command (the driver is already
 * open).
 */
public final class LibvirtLifecycleBenchmark implements Benchmark {

	private static final String NAME = "bench";

	@Override
	public String scenario() {
		return "launch";
	}

	@Override
	public List<String> scenarios() {
		return List.of("launch", "destroy");
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.LIBVIRT);
	}

	@Override
	public Optional<String> unavailable(BenchmarkContext context) {
		return Virsh.unavailable();
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		Path dir = context.newDirectory("qebv");
		Virsh virsh = Virsh.onRoot(dir);
		Path xml = dir.resolve("bench.xml");
		Files.writeString(xml, Virsh.guestlessDomainXml(NAME, context.emulator(), context.machine().accel()));
		try {
			// define probes the emulator: done first, on its own, so that it is not
			// counted
			virsh.run("define " + xml);
			int warmups = Math.min(context.settings().warmups(), 2);
			int runs = context.settings().libvirtRuns();
			List<String> commands = new ArrayList<>();
			for (int i = 0; i < warmups + runs; i++) {
				commands.add("start " + NAME);
				commands.add("destroy " + NAME);
			}
			List<Double> times = virsh.run(commands).commandMillis();
			Samples start = new Samples();
			Samples destroy = new Samples();
			for (int i = warmups; i < warmups + runs; i++) {
				start.add(times.get(2 * i));
				destroy.add(times.get(2 * i + 1));
			}
			return List.of(Row.of("launch", Systems.LIBVIRT, "time", "ms", start),
					Row.of("destroy", Systems.LIBVIRT, "time", "ms", destroy));
		}
		finally {
			virsh.killLeftovers();
		}
	}

}
