package io.github.qemuembed.driver.internal.process;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.EmulatorException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** What the launcher writes to a spare wrapper. */
class SpareRequestTests {

	@Test
	void countThenLogThenVariableCountThenNamesAndValuesThenArgvEachEndedByNul() {
		Map<String, String> env = new LinkedHashMap<>();
		env.put("A", "1=2");
		env.put("EMPTY", "");
		byte[] request = SpareRequest.encode(List.of("/usr/bin/qemu", "-name", "gäst", ""), env,
				Path.of("/root/log/qemu/x.log"));
		assertThat(new String(request, StandardCharsets.UTF_8).split("\0", -1)).containsExactly("10",
				"/root/log/qemu/x.log", "2", "A", "1=2", "EMPTY", "", "/usr/bin/qemu", "-name", "gäst", "", "");
	}

	@Test
	void aNulCharacterAnywhereIsRefused() {
		assertThatExceptionOfType(EmulatorException.class)
			.isThrownBy(() -> SpareRequest.encode(List.of("/bin/true", "a\0b"), Map.of(), Path.of("/tmp/x.log")))
			.withMessageContaining("/bin/true")
			.withMessageContaining("NUL");
		assertThatExceptionOfType(EmulatorException.class)
			.isThrownBy(() -> SpareRequest.encode(List.of("/bin/true"), Map.of("A", "\0"), Path.of("/tmp/x.log")));
	}

}
