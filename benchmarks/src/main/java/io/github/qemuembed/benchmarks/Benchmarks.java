package io.github.qemuembed.benchmarks;

import java.util.ArrayList;
import java.util.List;

import io.github.qemuembed.benchmarks.embed.EmbedAgentExecBenchmark;
import io.github.qemuembed.benchmarks.embed.EmbedDestroyBenchmark;
import io.github.qemuembed.benchmarks.embed.EmbedGuestBenchmark;
import io.github.qemuembed.benchmarks.embed.EmbedMixedBenchmark;
import io.github.qemuembed.benchmarks.embed.EmbedOpenBenchmark;
import io.github.qemuembed.benchmarks.embed.EmbedQmpRoundTripBenchmark;
import io.github.qemuembed.benchmarks.embed.EmbedRestoreBenchmark;
import io.github.qemuembed.benchmarks.embed.EmbedScaleBenchmark;
import io.github.qemuembed.benchmarks.libvirt.LibvirtLifecycleBenchmark;
import io.github.qemuembed.benchmarks.libvirt.LibvirtOpenBenchmark;
import io.github.qemuembed.benchmarks.libvirt.LibvirtQmpRoundTripBenchmark;
import io.github.qemuembed.benchmarks.pod.PodBenchmark;
import io.github.qemuembed.benchmarks.raw.RawDestroyBenchmark;
import io.github.qemuembed.benchmarks.raw.RawGuestBenchmark;
import io.github.qemuembed.benchmarks.raw.RawQmpRoundTripBenchmark;
import io.github.qemuembed.benchmarks.raw.RawScaleBenchmark;
import io.github.qemuembed.benchmarks.spring.ActuatorBenchmark;
import io.github.qemuembed.benchmarks.spring.ConsoleBenchmark;
import io.github.qemuembed.benchmarks.spring.ContextCloseBenchmark;

/** Every benchmark, in the order they run. */
public final class Benchmarks {

	private Benchmarks() {
	}

	public static List<Benchmark> all(BenchmarkSettings settings) {
		List<Benchmark> all = new ArrayList<>();
		all.add(new LaunchBenchmark());
		all.add(new LibvirtLifecycleBenchmark());
		all.add(new EmbedDestroyBenchmark());
		all.add(new RawDestroyBenchmark());
		all.add(new EmbedOpenBenchmark(true));
		all.add(new LibvirtOpenBenchmark(true));
		all.add(new EmbedOpenBenchmark(false));
		all.add(new LibvirtOpenBenchmark(false));
		for (int vms : settings.scaleSizes()) {
			all.add(new EmbedScaleBenchmark(vms));
			all.add(new RawScaleBenchmark(vms));
		}
		all.add(new EmbedGuestBenchmark());
		all.add(new RawGuestBenchmark());
		all.add(new EmbedRestoreBenchmark());
		all.add(new EmbedAgentExecBenchmark());
		all.add(new EmbedQmpRoundTripBenchmark());
		all.add(new RawQmpRoundTripBenchmark());
		all.add(new LibvirtQmpRoundTripBenchmark());
		all.add(new EmbedMixedBenchmark());
		all.add(new ContextCloseBenchmark());
		all.add(new ActuatorBenchmark());
		all.add(new ConsoleBenchmark());
		all.add(new PodBenchmark());
		return all;
	}

}
