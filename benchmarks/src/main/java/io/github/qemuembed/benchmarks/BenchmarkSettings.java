package io.github.qemuembed.benchmarks;

import java.time.Duration;
import java.util.List;

/**
 * How much each scenario measures. Three profiles: {@link #full()} for the published
 * numbers, {@link #quick()} for a run of about two minutes, and {@link #tiny()} for the
 * smoke test (every scenario once, at the smallest size that still exercises its code).
 *
 * @param name profile name, printed with the results
 * @param warmups untimed iterations before the measured ones (per scenario and system)
 * @param runs measured iterations of the launch and destroy scenarios
 * @param libvirtRuns measured iterations of libvirt's start and destroy (each destroy
 * takes ~2 s)
 * @param openColdRuns measured cold opens (each one probes the emulator)
 * @param openWarmRuns measured warm opens
 * @param scaleSizes how many VMs the scale scenarios start at once, one scenario per size
 * @param scaleRuns measured repetitions of each scale scenario
 * @param guestRuns measured guest boots (TCG: several seconds each)
 * @param qmpCalls measured {@code query-status} calls on one VM
 * @param qmpManyVms how many VMs the many-VM QMP round trip uses
 * @param qmpCallsPerVm measured calls per VM in the many-VM round trip
 * @param mixedThreads clients (threads) of the mixed scenario
 * @param mixedVms VMs of the mixed scenario (each client owns every
 * {@code mixedThreads}-th one)
 * @param mixedDuration how long the mixed scenario runs
 * @param springRuns context closes per shutdown mode
 * @param springVms VMs running when the context closes
 * @param actuatorDomains domains defined for the Actuator scenario (every other one
 * running)
 * @param actuatorRequests measured requests per endpoint
 */
public record BenchmarkSettings(String name, int warmups, int runs, int libvirtRuns, int openColdRuns, int openWarmRuns,
		List<Integer> scaleSizes, int scaleRuns, int guestRuns, int qmpCalls, int qmpManyVms, int qmpCallsPerVm,
		int mixedThreads, int mixedVms, Duration mixedDuration, int springRuns, int springVms, int actuatorDomains,
		int actuatorRequests) {

	public static BenchmarkSettings full() {
		// scale up to 200 VMs and mixed with 4 clients against 100 VMs for 30 s: issue
		// 20, item 5
		return new BenchmarkSettings("full", 5, 30, 20, 5, 20, List.of(10, 50, 100, 200), 3, 5, 2000, 50, 200, 4, 100,
				Duration.ofSeconds(30), 3, 20, 100, 100);
	}

	public static BenchmarkSettings quick() {
		return new BenchmarkSettings("quick", 2, 10, 5, 2, 5, List.of(10, 50), 1, 1, 300, 50, 20, 4, 100,
				Duration.ofSeconds(8), 1, 20, 100, 20);
	}

	public static BenchmarkSettings tiny() {
		return new BenchmarkSettings("tiny", 0, 1, 1, 1, 1, List.of(2), 1, 1, 5, 2, 3, 2, 2, Duration.ofMillis(500), 1,
				2, 4, 2);
	}

	/**
	 * Untimed {@code query-status} calls before the one-VM round trips are measured: the
	 * driver's path is a few hundred methods, which HotSpot compiles with C2 only after
	 * about ten thousand calls (until then it runs C1's profiling code, about twice as
	 * slow); raw QEMU's loop is a handful and gets there much sooner. Both sides get the
	 * same number, none in the tiny profile.
	 */
	public int qmpWarmupCalls() {
		return (this.warmups == 0) ? 0 : 20_000;
	}

	public static BenchmarkSettings named(String name) {
		return switch (name) {
			case "full" -> full();
			case "quick" -> quick();
			case "tiny" -> tiny();
			default -> throw new IllegalArgumentException("Unknown profile '" + name + "': use full, quick or tiny");
		};
	}

}
