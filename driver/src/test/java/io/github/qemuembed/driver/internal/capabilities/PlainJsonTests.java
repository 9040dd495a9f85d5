package io.github.qemuembed.driver.internal.capabilities;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.core.JacksonException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PlainJsonTests {

	@Test
	void whatIsWrittenReadsBackEqual() {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("format", 1L);
		value.put("name", "a \"quoted\" \\ name\n\u00e9");
		value.put("list", List.of("x", 2L, true, false));
		value.put("none", null);
		value.put("nested", Map.of("k", List.of()));
		assertThat(PlainJson.read(PlainJson.write(value))).isEqualTo(value);
	}

	@Test
	void malformedInputFailsWithJacksonsException() {
		for (String bad : List.of("", "{", "{\"a\":1} x", "[1,]", "{\"a\":1.5}")) {
			assertThatExceptionOfType(JacksonException.class).as(bad)
				.isThrownBy(() -> PlainJson.read(bad.getBytes(StandardCharsets.UTF_8)));
		}
	}

}
