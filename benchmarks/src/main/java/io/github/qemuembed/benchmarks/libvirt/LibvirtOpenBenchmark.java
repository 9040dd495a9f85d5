package io.github.qemuembed.benchmarks.libvirt;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;

/**
 * Scenarios {@code open-cold} and {@code open-warm} on libvirt's embedded driver, timed
 * from exec of virsh to its exit. libvirt probes an emulator lazily, on first need;
 * {@code list} does not need it, so two metrics: {@code list} (open without probing) and
 * {@code time} ({@code domcapabilities} for the one emulator: open and probe, the
 * counterpart of a qemu-embed open). Cold runs each use a new root; warm runs reuse a
 * root whose capability cache is filled, with virsh pinned to one CPU (see
 * {@link Virsh#pinned()}).
 */
public final class LibvirtOpenBenchmark implements Benchmark {

	private final boolean cold;

	public LibvirtOpenBenchmark(boolean cold) {
		this.cold = cold;
	}

	@Override
	public String scenario() {
		return this.cold ? "open-cold" : "open-warm";
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
		String probe = "domcapabilities --emulatorbin " + context.emulator()
				+ " --arch x86_64 --machine q35 --virttype "
				+ ("kvm".equals(context.machine().accel()) ? "kvm" : "qemu");
		int runs = this.cold ? context.settings().openColdRuns() : context.settings().openWarmRuns();
		Samples list = new Samples();
		Samples time = new Samples();
		Virsh warm = null;
		if (!this.cold) {
			warm = Virsh.onRoot(context.newDirectory("qebw")).pinned();
			warm.run(probe);
			for (int i = 0; i < context.settings().warmups(); i++) {
				warm.run("list --all");
			}
		}
		for (int i = 0; i < runs; i++) {
			Virsh forList = this.cold ? Virsh.onRoot(newRoot(context)) : warm;
			list.add(forList.run("list --all").wallMillis());
			Virsh forProbe = this.cold ? Virsh.onRoot(newRoot(context)) : warm;
			time.add(forProbe.run(probe).wallMillis());
		}
		return List.of(Row.of(scenario(), Systems.LIBVIRT, "time", "ms", time),
				Row.of(scenario(), Systems.LIBVIRT, "list", "ms", list));
	}

	private static Path newRoot(BenchmarkContext context) throws Exception {
		return context.newDirectory("qebo");
	}

}
