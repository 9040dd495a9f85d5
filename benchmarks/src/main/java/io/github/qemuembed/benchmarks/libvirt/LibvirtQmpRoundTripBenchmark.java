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
 * Scenario {@code qmp-rtt} on libvirt's embedded driver, one VM:
 * {@code qemu-monitor-command} with {@code query-status}, the counterpart of
 * {@code Domain.qmp}, as timed by {@code virsh -t} in one virsh process. The many-VM
 * variant is not measured on libvirt (starting and destroying 50 domains costs minutes
 * there).
 */
public final class LibvirtQmpRoundTripBenchmark implements Benchmark {

	private static final String NAME = "rtt";

	@Override
	public String scenario() {
		return "qmp-rtt";
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
		Path dir = context.newDirectory("qebr");
		Virsh virsh = Virsh.onRoot(dir);
		Path xml = dir.resolve("rtt.xml");
		Files.writeString(xml,
				Virsh.guestlessDomainXml(NAME, context.emulator(), context.machine().accel(), context.haltFirmware()));
		try {
			virsh.run("define " + xml, "start " + NAME);
			// the first calls of a virsh process attach to the running domain's monitor:
			// not counted
			int warmups = Math.max(2, context.settings().warmups() * 5);
			int calls = Math.max(1, context.settings().qmpCalls() / 10);
			List<String> commands = new ArrayList<>();
			for (int i = 0; i < warmups + calls; i++) {
				commands.add("qemu-monitor-command " + NAME + " '{\"execute\":\"query-status\"}'");
			}
			commands.add("destroy " + NAME);
			List<Double> times = virsh.run(commands).commandMillis();
			Samples rtt = new Samples();
			for (int i = warmups; i < warmups + calls; i++) {
				rtt.add(times.get(i) * 1000.0);
			}
			return List.of(Row.of(scenario(), Systems.LIBVIRT, "rtt-1vm", "us", rtt));
		}
		finally {
			virsh.killLeftovers();
		}
	}

}
