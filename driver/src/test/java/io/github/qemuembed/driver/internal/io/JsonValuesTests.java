package io.github.qemuembed.driver.internal.io;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.core.JacksonException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class JsonValuesTests {

	@Test
	void whatIsWrittenReadsBackEqual() {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("format", 1L);
		value.put("name", "a \"quoted\" \\ name\n\u00e9");
		value.put("list", List.of("x", 2L, true, false));
		value.put("none", null);
		value.put("nested", Map.of("k", List.of()));
		value.put("fraction", 1.5);
		value.put("huge", new BigInteger("123456789012345678901234567890"));
		assertThat(JsonValues.read(JsonValues.write(value))).isEqualTo(value);
	}

	@Test
	void malformedInputFailsWithJacksonsException() {
		for (String bad : List.of("", "{", "{\"a\":1} x", "[1,]", "{\"a\":tru}")) {
			assertThatExceptionOfType(JacksonException.class).as(bad)
				.isThrownBy(() -> JsonValues.read(bad.getBytes(StandardCharsets.UTF_8)));
		}
	}

}
