package io.github.qemuembed.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DocsSectionTests {

	private static final Machine MACHINE = new Machine(2, 24105, "6.18.44", "QEMU emulator version 7.2.22",
			Optional.of("9.0.0"), true, "17.0.15");

	private static final DocsSection.Run RUN = new DocsSection.Run("quick", Instant.parse("2026-12-01T11:02:10Z"),
			Instant.parse("2026-12-01T11:05:40Z"), "AMD EPYC", MACHINE, "1.60 / 2.10 / 2.40", "3.00 / 2.50 / 2.45");

	@Test
	void sectionSaysWhenOnWhatAndUnderWhichLoadThenTheTableAndTargets() {
		String section = DocsSection.render(RUN,
				List.of(new Row("launch", Systems.QEMU_EMBED, "time", "ms", 60.0, 70.0, 80.0, 10, null),
						new Row("launch", Systems.RAW_QEMU, "time", "ms", 50.0, 55.0, 58.0, 10, null)));
		assertThat(section).startsWith(DocsSection.BEGIN)
			.endsWith(DocsSection.END)
			.contains("## Results (2026-12-01 11:02–11:05 UTC, profile `quick`)")
			.contains("| CPU | AMD EPYC, 2 CPUs (available processors) |")
			.contains("| memory | 24105 MiB |")
			.contains(
					"| load average (1 / 5 / 15 min) | 1.60 / 2.10 / 2.40 at the start, 3.00 / 2.50 / 2.45 at the end |")
			.contains("| launch | time | ms | 60 (p90 70) | 50 (p90 55) |")
			.contains("**missed**: launch ≤ 1.1× raw QEMU (measured 1.20×)");
	}

	@Test
	void replacesOnlyTheMarkedSection(@TempDir Path dir) throws Exception {
		Path page = dir.resolve("performance.md");
		Files.writeString(page, "# Performance\n\nintro\n\n" + DocsSection.BEGIN + "\nold table\n" + DocsSection.END
				+ "\n\n## Targets\n\nprose\n");
		DocsSection.write(page, DocsSection.BEGIN + "\nnew table\n" + DocsSection.END);
		assertThat(Files.readString(page)).isEqualTo("# Performance\n\nintro\n\n" + DocsSection.BEGIN + "\nnew table\n"
				+ DocsSection.END + "\n\n## Targets\n\nprose\n");
	}

	@Test
	void aPageWithoutMarkersIsRefusedNamingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> DocsSection.replace("# Performance\n", "x"))
			.withMessageContaining("has no results section to replace")
			.withMessageContaining(DocsSection.BEGIN);
	}

	@Test
	void writeDocsNeedsAWholeRunAndAPageWithMarkers(@TempDir Path dir) throws Exception {
		BenchmarkMain.Options partial = BenchmarkMain.Options
			.parse(new String[] { "--only", "launch", "--write-docs" });
		assertThat(partial.docs).isEqualTo(Path.of("docs/performance.md"));
		assertThatIllegalArgumentException().isThrownBy(partial::checkWriteDocs)
			.withMessageContaining("--write-docs replaces the whole results table");
		Path page = Files.writeString(dir.resolve("p.md"), "no markers\n");
		BenchmarkMain.Options noMarkers = BenchmarkMain.Options.parse(new String[] { "--write-docs", page.toString() });
		assertThatIllegalArgumentException().isThrownBy(noMarkers::checkWriteDocs)
			.withMessageContaining("has no results section");
	}

}
