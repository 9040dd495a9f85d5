package io.github.qemuembed.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Warm-up then measured iterations of one body. */
public final class Repeat {

	private Repeat() {
	}

	public static Map<String, Samples> measure(int warmups, int runs, Iteration iteration) throws Exception {
		for (int i = 0; i < warmups; i++) {
			iteration.run(Recorder.discarding());
		}
		Recorder recorder = Recorder.create();
		for (int i = 0; i < runs; i++) {
			iteration.run(recorder);
		}
		return recorder.metrics();
	}

	/**
	 * Warm-up then measured rounds of several systems' iterations, each system once per
	 * round, keyed by system. The order turns every round (A B, then B A, ...): no system
	 * always runs right after the other's clean-up, and a drift in the machine's speed
	 * falls on all of them alike.
	 */
	public static Map<String, Map<String, Samples>> alternating(int warmups, int runs,
			Map<String, Iteration> iterations) throws Exception {
		List<String> systems = List.copyOf(iterations.keySet());
		for (int round = 0; round < warmups; round++) {
			for (String system : turn(systems, round)) {
				iterations.get(system).run(Recorder.discarding());
			}
		}
		Map<String, Recorder> recorders = new LinkedHashMap<>();
		systems.forEach((system) -> recorders.put(system, Recorder.create()));
		for (int round = 0; round < runs; round++) {
			for (String system : turn(systems, round)) {
				iterations.get(system).run(recorders.get(system));
			}
		}
		Map<String, Map<String, Samples>> metrics = new LinkedHashMap<>();
		recorders.forEach((system, recorder) -> metrics.put(system, recorder.metrics()));
		return metrics;
	}

	private static List<String> turn(List<String> systems, int round) {
		List<String> order = new ArrayList<>(systems);
		Collections.rotate(order, round);
		return order;
	}

	/**
	 * One iteration; it times what it measures itself, so that set-up and clean-up stay
	 * outside.
	 */
	@FunctionalInterface
	public interface Iteration {

		void run(Recorder recorder) throws Exception;

	}

}
