package io.github.qemuembed.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class SamplesTests {

	@Test
	void percentilesAreNearestRankOfObservedValues() {
		Samples samples = new Samples();
		for (int i = 10; i >= 1; i--) {
			samples.add(i);
		}
		assertThat(samples.median()).isEqualTo(5);
		assertThat(samples.percentile(90)).isEqualTo(9);
		assertThat(samples.percentile(99)).isEqualTo(10);
		assertThat(samples.max()).isEqualTo(10);
		assertThat(samples.size()).isEqualTo(10);
	}

	@Test
	void oneSampleIsEveryPercentile() {
		Samples samples = new Samples();
		samples.add(42);
		assertThat(samples.median()).isEqualTo(42);
		assertThat(samples.percentile(90)).isEqualTo(42);
	}

	@Test
	void noSamplesHaveNoPercentile() {
		assertThatIllegalStateException().isThrownBy(() -> new Samples().median());
	}

}
