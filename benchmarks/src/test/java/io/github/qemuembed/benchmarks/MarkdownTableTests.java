package io.github.qemuembed.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MarkdownTableTests {

	@Test
	void putsSystemsInColumnsWithRatiosOfMedians() {
		String table = MarkdownTable.render(List.of(row("launch", Systems.RAW_QEMU, 50, 60),
				row("launch", Systems.QEMU_EMBED, 60, 70), row("launch", Systems.LIBVIRT, 300, 400)));
		assertThat(table)
			.contains("| launch | time | ms | 60 (p90 70) | 50 (p90 60) | 300 (p90 400) | 1.20× | 0.20× |");
	}

	@Test
	void showsMissingSystemsWithTheirReason() {
		String table = MarkdownTable.render(List.of(row("destroy", Systems.RAW_QEMU, 16.5, 18.4),
				Row.missing("destroy", Systems.LIBVIRT, "virsh not installed")));
		assertThat(table).contains("| destroy | time | ms |  | 16.5 (p90 18.4) | missing |  |  |");
		assertThat(table).contains("- destroy, libvirt: virsh not installed");
	}

	@Test
	void ordersScenariosAsTheIssueDoes() {
		String table = MarkdownTable.render(List.of(row("qmp-rtt", Systems.RAW_QEMU, 1, 1),
				row("scale-2", Systems.RAW_QEMU, 1, 1), row("launch", Systems.RAW_QEMU, 1, 1)));
		assertThat(table.indexOf("| launch")).isLessThan(table.indexOf("| scale-2"));
		assertThat(table.indexOf("| scale-2")).isLessThan(table.indexOf("| qmp-rtt"));
	}

	@Test
	void putsSizesNotNamedInTheIssueAfterTheirFamily() {
		String table = MarkdownTable
			.render(List.of(row("scale-100", Systems.RAW_QEMU, 1, 1), row("scale-50", Systems.RAW_QEMU, 1, 1),
					row("scale-10", Systems.RAW_QEMU, 1, 1), row("guest-boot", Systems.RAW_QEMU, 1, 1)));
		assertThat(table.indexOf("| scale-10 ")).isLessThan(table.indexOf("| scale-50"));
		assertThat(table.indexOf("| scale-50")).isLessThan(table.indexOf("| scale-100"));
		assertThat(table.indexOf("| scale-100")).isLessThan(table.indexOf("| guest-boot"));
	}

	private static Row row(String scenario, String system, double median, double p90) {
		return new Row(scenario, system, "time", "ms", median, p90, p90, 10, null);
	}

}
