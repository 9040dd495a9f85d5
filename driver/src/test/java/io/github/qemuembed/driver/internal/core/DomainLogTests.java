package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link DomainLog}: the header and command line each start appends, in a form a user can
 * paste into a shell.
 */
class DomainLogTests {

	@TempDir
	Path dir;

	@Test
	void timesAreWrittenAsTheIsoPatternWouldInUtc() {
		DateTimeFormatter pattern = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSXXX");
		for (LocalDateTime time : List.of(LocalDateTime.of(2026, 1, 2, 3, 4, 5, 6_000_000),
				LocalDateTime.of(2026, 12, 31, 23, 59, 59, 999_999_999), LocalDateTime.of(2027, 10, 10, 0, 0, 0, 0),
				LocalDateTime.of(2030, 7, 9, 12, 30, 9, 90_000_000))) {
			StringBuilder text = new StringBuilder();
			DomainLog.appendTime(text, time);
			assertThat(text).hasToString(time.atOffset(ZoneOffset.UTC).format(pattern));
		}
	}

	@Test
	void argumentsAreQuotedOnlyWhenAShellWouldNeedIt() {
		assertThat(DomainLog.shellQuote("-machine")).isEqualTo("-machine");
		assertThat(DomainLog.shellQuote("pc-q35-7.2,usb=off,acpi=on")).isEqualTo("pc-q35-7.2,usb=off,acpi=on");
		assertThat(DomainLog.shellQuote("")).isEqualTo("''");
		assertThat(DomainLog.shellQuote("a b")).isEqualTo("'a b'");
		assertThat(DomainLog.shellQuote("{\"driver\":\"file\"}")).isEqualTo("'{\"driver\":\"file\"}'");
		assertThat(DomainLog.shellQuote("it's")).isEqualTo("'it'\\''s'");
	}

	@Test
	void eachStartAppendsAHeaderAndTheCommandLine() throws IOException {
		Path log = this.dir.resolve("vm.log");
		Files.writeString(log, "earlier output\n");
		Map<String, String> env = new LinkedHashMap<>();
		env.put("A", "1");
		env.put("B", "two words");
		DomainLog.appendStart(log, "1.2.3", "7.2.0", env, List.of("/usr/bin/qemu-system-x86_64", "-name", "a b"));
		DomainLog.appendLine(log, "shutting down");
		List<String> lines = Files.readAllLines(log);
		assertThat(lines).hasSize(4);
		assertThat(lines.get(0)).isEqualTo("earlier output");
		assertThat(lines.get(1))
			.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z: starting up qemu-embed 1.2.3, QEMU 7.2.0");
		assertThat(lines.get(2)).isEqualTo("A=1 B='two words' /usr/bin/qemu-system-x86_64 -name 'a b'");
		assertThat(lines.get(3)).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z: shutting down");
	}

}
