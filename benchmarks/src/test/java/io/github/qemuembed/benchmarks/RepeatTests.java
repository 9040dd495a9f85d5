package io.github.qemuembed.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests for {@link Repeat}. */
class RepeatTests {

	@Test
	void alternatingTurnsTheOrderEveryRoundAndKeepsOnlyMeasuredRounds() throws Exception {
		List<String> calls = new ArrayList<>();
		Map<String, Repeat.Iteration> iterations = new LinkedHashMap<>();
		iterations.put("a", (recorder) -> {
			calls.add("a");
			recorder.record("time", calls.size());
		});
		iterations.put("b", (recorder) -> {
			calls.add("b");
			recorder.record("time", calls.size());
		});

		Map<String, Map<String, Samples>> metrics = Repeat.alternating(1, 3, iterations);

		assertThat(calls).containsExactly("a", "b", "a", "b", "b", "a", "a", "b");
		assertThat(metrics).containsOnlyKeys("a", "b");
		assertThat(metrics.get("a").get("time").size()).isEqualTo(3);
		assertThat(metrics.get("b").get("time").size()).isEqualTo(3);
		// the values each system recorded are its own calls' positions: 3, 6, 7 and 4,
		// 5, 8
		assertThat(metrics.get("a").get("time").median()).isEqualTo(6.0);
		assertThat(metrics.get("b").get("time").median()).isEqualTo(5.0);
	}

	@Test
	void alternatingOneSystemRunsItAlone() throws Exception {
		List<String> calls = new ArrayList<>();
		Map<String, Map<String, Samples>> metrics = Repeat.alternating(2, 2, Map.of("a", (recorder) -> calls.add("a")));

		assertThat(calls).hasSize(4);
		assertThat(metrics).containsOnlyKeys("a");
	}

}
