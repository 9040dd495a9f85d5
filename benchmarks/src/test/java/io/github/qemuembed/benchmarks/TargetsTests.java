package io.github.qemuembed.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TargetsTests {

	@Test
	void launchTargetIsARatioToRawQemu() {
		String met = Targets.render(
				List.of(row("launch", Systems.QEMU_EMBED, "time", 54), row("launch", Systems.RAW_QEMU, "time", 50)));
		assertThat(met).contains("met: launch ≤ 1.1× raw QEMU (measured 1.08×)");
		String missed = Targets.render(
				List.of(row("launch", Systems.QEMU_EMBED, "time", 60), row("launch", Systems.RAW_QEMU, "time", 50)));
		assertThat(missed).contains("**missed**: launch ≤ 1.1× raw QEMU (measured 1.20×)");
	}

	@Test
	void aRatioJustOverItsLimitShowsTheDecimalThatMissesIt() {
		String justOver = Targets.render(List.of(row("launch", Systems.QEMU_EMBED, "time", 62.1),
				row("launch", Systems.RAW_QEMU, "time", 56.3)));
		assertThat(justOver).contains("**missed**: launch ≤ 1.1× raw QEMU (measured 1.103×)");
		String justUnder = Targets.render(List.of(row("launch", Systems.QEMU_EMBED, "time", 61.9),
				row("launch", Systems.RAW_QEMU, "time", 56.3)));
		assertThat(justUnder).contains("met: launch ≤ 1.1× raw QEMU (measured 1.099×)");
	}

	@Test
	void qmpRoundTripsAreRatiosToRawQemuForOneAndForManyVms() {
		String targets = Targets.render(List.of(row("qmp-rtt", Systems.QEMU_EMBED, "rtt-1vm", 250),
				row("qmp-rtt", Systems.RAW_QEMU, "rtt-1vm", 200), row("qmp-rtt", Systems.QEMU_EMBED, "rtt-50vms", 700),
				row("qmp-rtt", Systems.RAW_QEMU, "rtt-50vms", 500)));
		assertThat(targets).contains("met: QMP round trip, 1 VM ≤ 1.3× raw QEMU (measured 1.25×)")
			.contains("**missed**: QMP round trip, 50 VMs ≤ 1.3× raw QEMU (measured 1.40×)");
		assertThat(Targets.render(List.of())).contains("not measured: QMP round trip, 1 VM ≤ 1.3× raw QEMU")
			.contains("not measured: QMP round trip, many VMs ≤ 1.3× raw QEMU");
	}

	@Test
	void missingRowsAreNotMeasuredNeverMet() {
		String targets = Targets.render(List.of(Row.missing("destroy", Systems.QEMU_EMBED, "failed: boom")));
		assertThat(targets).contains("not measured: destroy ≤ 50 ms median").doesNotContain("met: destroy");
	}

	@Test
	void contextCloseIsComparedWithItsOwnTarget() {
		String targets = Targets.render(List.of(row("context-close", Systems.QEMU_EMBED, "graceful", 4200),
				row("context-close", Systems.QEMU_EMBED, "graceful-target", 4000)));
		assertThat(targets)
			.contains("**missed**: context close (graceful) within the timeout + 1 s (measured 4200 ms)");
	}

	@Test
	void restoreMustBeTenTimesFasterThanABootOfTheSameRun() {
		assertThat(Targets.render(List.of(row("restore", Systems.QEMU_EMBED, "speedup", 14.5))))
			.contains("met: restore ≥ 10× faster than a boot of the same guest (measured 14.5 ms)");
		assertThat(Targets.render(List.of(row("restore", Systems.QEMU_EMBED, "speedup", 6))))
			.contains("**missed**: restore ≥ 10× faster");
		assertThat(Targets.render(List.of())).contains("not measured: restore ≥ 10×");
	}

	@Test
	void keystrokeToEchoOnThePageIsItsMedianWithItsTail() {
		Row page = new Row("console", Systems.QEMU_EMBED, "keystroke-echo-page", "ms", 21.5, 30.0, 44.25, 300, null);
		assertThat(Targets.render(List.of(page))).contains(
				"met: browser console: keystroke to echo on the page ≤ 50 ms median (measured 21.5 ms; p99 44.3 ms over 300)");
		assertThat(Targets.render(List.of(row("console", Systems.QEMU_EMBED, "keystroke-echo", 9))))
			.contains("not measured: browser console: keystroke to echo on the page ≤ 50 ms median");
	}

	private static Row row(String scenario, String system, String metric, double median) {
		return new Row(scenario, system, metric, "ms", median, median, median, 10, null);
	}

}
