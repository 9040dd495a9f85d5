package io.github.qemuembed.benchmarks;

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
	 * One iteration; it times what it measures itself, so that set-up and clean-up stay
	 * outside.
	 */
	@FunctionalInterface
	public interface Iteration {

		void run(Recorder recorder) throws Exception;

	}

}
