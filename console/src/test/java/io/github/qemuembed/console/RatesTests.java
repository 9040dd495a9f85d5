package io.github.qemuembed.console;

import java.time.Duration;
import java.util.List;

import io.github.qemuembed.autoconfigure.actuate.DomainStatistics.BlockDevice;
import io.github.qemuembed.autoconfigure.actuate.DomainStatistics.NetDevice;
import io.github.qemuembed.autoconfigure.actuate.DomainStatistics.Statistics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RatesTests {

	private static final long SECOND = 1_000_000_000L;

	@Test
	void ratesPerSecondSummedOverDevices() {
		Rates before = Rates.of(42, 10 * SECOND, Duration.ofMillis(500), statistics(1000, 0, 100, 50));
		Rates after = Rates.of(42, 12 * SECOND, Duration.ofMillis(1500), statistics(5000, 2048, 300, 50));
		assertThat(after.follows(before)).isTrue();
		assertThat(after.cpuPercent(before)).isCloseTo(50.0, within(1e-9));
		assertThat(after.blockReadBps(before)).isCloseTo(2000.0, within(1e-9));
		assertThat(after.blockWriteBps(before)).isCloseTo(1024.0, within(1e-9));
		assertThat(after.netRxBps(before)).isCloseTo(100.0, within(1e-9));
		assertThat(after.netTxBps(before)).isCloseTo(0.0, within(1e-9));
	}

	@Test
	void noRateAcrossARestartOrACounterThatWentBack() {
		Rates before = Rates.of(42, SECOND, Duration.ofSeconds(9), statistics(1000, 0, 0, 0));
		assertThat(Rates.of(43, 2 * SECOND, Duration.ofSeconds(10), statistics(2000, 0, 0, 0)).follows(before))
			.isFalse();
		assertThat(Rates.of(42, 2 * SECOND, Duration.ofSeconds(1), statistics(2000, 0, 0, 0)).follows(before))
			.isFalse();
		assertThat(Rates.of(42, 2 * SECOND, Duration.ofSeconds(10), statistics(10, 0, 0, 0)).follows(before)).isFalse();
		assertThat(Rates.of(42, SECOND, Duration.ofSeconds(10), statistics(2000, 0, 0, 0)).follows(before)).isFalse();
		assertThat(before.follows(null)).isFalse();
	}

	private static Statistics statistics(long read, long write, long rx, long tx) {
		// two disks and two taps: the page shows their sums
		return new Statistics(
				List.of(new BlockDevice("vda", read / 2, write / 2, 1, 1),
						new BlockDevice("vdb", read - read / 2, write - write / 2, 1, 1)),
				List.of(new NetDevice("tap0", rx, tx), new NetDevice("tap1", 0, 0)));
	}

}
