package io.github.qemuembed.console;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleHistoryTests {

	private static final String RUN_1 = """
			2026-12-01 10:00:00.000Z: starting up qemu-embed 0.1.0-SNAPSHOT, QEMU 7.2.0
			LC_ALL=C /usr/bin/qemu-system-x86_64 -name guest,debug-threads=on -S
			first boot
			# first shell
			2026-12-01 10:00:09.000Z: shutting down, reason=destroyed
			""";

	private static final String RUN_2 = """
			2026-12-01 10:01:00.000Z: starting up qemu-embed 0.1.0-SNAPSHOT, QEMU 7.2.0
			LC_ALL=C /usr/bin/qemu-system-x86_64 -name guest,debug-threads=on -S
			second boot \u00e9
			# \u001b[1mbold\u001b[0m
			""";

	@Test
	void keepsTheLastRunWithoutTheStartHeaderAndCommandLine(@TempDir Path dir) throws IOException {
		Path log = dir.resolve("guest.log");
		Files.writeString(log, RUN_1 + RUN_2, StandardCharsets.UTF_8);
		String history = new String(ConsoleHistory.read(log, 64 * 1024), StandardCharsets.UTF_8);
		assertThat(history).isEqualTo("second boot \u00e9\n# \u001b[1mbold\u001b[0m\n");
	}

	@Test
	void aTruncatedLogWithoutHeaderStartsAtALineBoundary(@TempDir Path dir) throws IOException {
		Path log = dir.resolve("guest.log");
		Files.writeString(log, RUN_2 + "line one\nline two\n", StandardCharsets.UTF_8);
		String history = new String(ConsoleHistory.read(log, "ne one\nline two\n".length()), StandardCharsets.UTF_8);
		assertThat(history).isEqualTo("line two\n");
	}

	@Test
	void binaryOutputIsKeptByteForByte() {
		byte[] log = new byte[] { 'a', (byte) 0xff, 0, (byte) 0xc3, '\n' };
		assertThat(ConsoleHistory.lastRun(log, false)).isEqualTo(log);
	}

	@Test
	void noLogOrNoHistoryWantedIsEmpty(@TempDir Path dir) throws IOException {
		assertThat(ConsoleHistory.read(dir.resolve("missing.log"), 1024)).isEmpty();
		Path log = dir.resolve("guest.log");
		Files.writeString(log, RUN_2);
		assertThat(ConsoleHistory.read(log, 0)).isEmpty();
	}

}
