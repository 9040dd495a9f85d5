package io.github.qemuembed.benchmarks.embed;

import java.nio.file.Path;
import java.util.List;

import io.github.qemuembed.benchmarks.Benchmark;
import io.github.qemuembed.benchmarks.BenchmarkContext;
import io.github.qemuembed.benchmarks.Row;
import io.github.qemuembed.benchmarks.Samples;
import io.github.qemuembed.benchmarks.Systems;
import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.QemuDriver;

/**
 * Scenarios {@code open-cold} and {@code open-warm} on qemu-embed:
 * {@code QemuDriver.open} and a {@code list} of all domains. Cold: a new root each time,
 * so the emulator is probed; warm: a root whose capability cache is filled. Closing is
 * not timed. Cold also reports {@code first-in-jvm}: the same in a new JVM with the
 * driver's own runtime classpath, where the driver's classes are not loaded yet (see
 * {@link OpenInFreshJvm}), and {@code first-in-jvm-cds}: the same with an application CDS
 * archive, written by one training run of the same program beforehand
 * ({@code -XX:ArchiveClassesAtExit}, then {@code -XX:SharedArchiveFile}).
 */
public final class EmbedOpenBenchmark implements Benchmark {

	private final boolean cold;

	public EmbedOpenBenchmark(boolean cold) {
		this.cold = cold;
	}

	@Override
	public String scenario() {
		return this.cold ? "open-cold" : "open-warm";
	}

	@Override
	public List<String> systems() {
		return List.of(Systems.QEMU_EMBED);
	}

	@Override
	public List<Row> run(BenchmarkContext context) throws Exception {
		Path warmRoot = this.cold ? null : context.newDirectory("qeew");
		int warmups = this.cold ? Math.min(1, context.settings().warmups()) : context.settings().warmups();
		int runs = this.cold ? context.settings().openColdRuns() : context.settings().openWarmRuns();
		if (!this.cold) {
			openAndList(context, warmRoot);
		}
		for (int i = 0; i < warmups; i++) {
			openAndList(context, this.cold ? context.newDirectory("qeeo") : warmRoot);
		}
		Samples time = new Samples();
		for (int i = 0; i < runs; i++) {
			time.add(openAndList(context, this.cold ? context.newDirectory("qeeo") : warmRoot));
		}
		if (!this.cold) {
			return List.of(Row.of(scenario(), Systems.QEMU_EMBED, "time", "ms", time));
		}
		Accel accel = "kvm".equals(context.machine().accel()) ? Accel.KVM : Accel.TCG;
		FreshJvm jvm = FreshJvm.forDriver(context.newDirectory("qefj"));
		Path archive = context.newDirectory("qecd").resolve("open.jsa");
		jvm.train(archive, context.newDirectory("qeeo"), context.emulator(), accel);
		Samples fresh = new Samples();
		Samples freshCds = new Samples();
		for (int i = 0; i < Math.min(3, runs); i++) {
			// interleaved, so that both rows see the same machine
			fresh.add(jvm.measure(null, context.newDirectory("qeeo"), context.emulator(), accel));
			freshCds.add(jvm.measure(archive, context.newDirectory("qeeo"), context.emulator(), accel));
		}
		return List.of(Row.of(scenario(), Systems.QEMU_EMBED, "time", "ms", time),
				Row.of(scenario(), Systems.QEMU_EMBED, "first-in-jvm", "ms", fresh),
				Row.of(scenario(), Systems.QEMU_EMBED, "first-in-jvm-cds", "ms", freshCds));
	}

	private static double openAndList(BenchmarkContext context, Path root) {
		long start = System.nanoTime();
		QemuDriver driver = Embedded.open(context, root);
		try {
			driver.list(DomainListFilter.ALL);
			return (System.nanoTime() - start) / 1_000_000.0;
		}
		finally {
			driver.close();
		}
	}

}
