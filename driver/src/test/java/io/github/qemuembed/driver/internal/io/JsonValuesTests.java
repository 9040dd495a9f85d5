package io.github.qemuembed.driver.internal.io;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link JsonValues} and {@link JsonValueReader}, checked against Jackson's reading and
 * writing of the same documents.
 */
class JsonValuesTests {

	private static final JsonMapper jackson = JsonMapper.shared();

	@Test
	void whatIsWrittenReadsBackEqual() throws Exception {
		Map<String, Object> value = new LinkedHashMap<>();
		value.put("format", 1L);
		value.put("name", "a \"quoted\" \\ name\n\u00e9\t\b\f\r\u0001/ \ud83d\ude00 \u20ac");
		value.put("list", List.of("x", 2L, true, false, -7L));
		value.put("none", null);
		value.put("nested", Map.of("k", List.of(), "o", Map.of()));
		value.put("fraction", 1.5);
		value.put("exponent", 6.02e23);
		value.put("negative", -0.25);
		value.put("long", Long.MIN_VALUE);
		value.put("huge", new BigInteger("123456789012345678901234567890"));
		byte[] written = JsonValues.write(value);
		assertThat(JsonValues.read(written)).isEqualTo(value);
		// and Jackson reads the same text the same way
		assertThat(jackson.readValue(written, Object.class))
			.isEqualTo(jackson.readValue(jackson.writeValueAsBytes(value), Object.class));
	}

	@Test
	void readsWhatJacksonReads() throws Exception {
		for (String json : List.of("{\"a\":[1,-2,3.25,-4e-2,1E3,0,-0.5,9223372036854775807]}",
				"[\"\\u00e9\\u20AC\\ud83d\\ude00\\n\\/\\\\\\\"\",\"\u00e9\u20ac\ud83d\ude00\"]",
				" \r\n\t{ \"x\" : { \"y\" : [ true , false , null ] } } ", "\"just a string\"", "42", "-0", "[]", "{}",
				"{\"dup\":1,\"dup\":2}", "[18446744073709551616,-9223372036854775809]")) {
			Object ours = JsonValues.read(json.getBytes(StandardCharsets.UTF_8));
			Object theirs = jackson.readValue(json, Object.class);
			assertThat(normalize(ours)).as(json).isEqualTo(normalize(theirs));
		}
	}

	@Test
	void numbersAreLongsBigIntegersOrDoubles() throws Exception {
		assertThat(JsonValues.read("[1,9223372036854775807,9223372036854775808,1.0,1e2]".getBytes()))
			.isEqualTo(List.of(1L, Long.MAX_VALUE, new BigInteger("9223372036854775808"), 1.0, 100.0));
	}

	@Test
	void malformedInputFailsSayingWhere() {
		for (String bad : List.of("", " ", "{", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "[01]", "[1.]", "[.5]",
				"[1e]", "[-]", "tru", "nul", "[true false]", "{\"a\":1} x", "\"unterminated", "\"tab\there\"",
				"\"bad \\x escape\"", "\"\\u12G4\"", "[\"\\u12\"]", "NaN", "'single'", "[1,2", "{\"a\":")) {
			assertThatExceptionOfType(MalformedJsonException.class).as(bad)
				.isThrownBy(() -> JsonValues.read(bad.getBytes(StandardCharsets.UTF_8)))
				.withMessageStartingWith("Malformed JSON");
		}
	}

	@Test
	void malformedUtf8InAStringIsRefused() {
		for (byte[] bad : List.of(new byte[] { '"', (byte) 0xc3, '"' },
				new byte[] { '"', (byte) 0xc0, (byte) 0x80, '"' },
				new byte[] { '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"' },
				new byte[] { '"', (byte) 0xf5, (byte) 0x80, (byte) 0x80, (byte) 0x80, '"' },
				new byte[] { '"', (byte) 0x80, '"' })) {
			assertThatExceptionOfType(MalformedJsonException.class).isThrownBy(() -> JsonValues.read(bad))
				.withMessageContaining("UTF-8");
		}
	}

	@Test
	void nestingIsLimited() throws Exception {
		String deep = "[".repeat(JsonValueReader.MAX_DEPTH) + "]".repeat(JsonValueReader.MAX_DEPTH);
		assertThat(JsonValues.read(deep.getBytes())).isInstanceOf(List.class);
		String deeper = "[" + deep + "]";
		assertThatExceptionOfType(MalformedJsonException.class).isThrownBy(() -> JsonValues.read(deeper.getBytes()))
			.withMessageContaining("nest deeper than " + JsonValueReader.MAX_DEPTH);
	}

	@Test
	void readerReadsValuesOneAfterTheOther() throws Exception {
		byte[] stream = "{\"QMP\":{}}\r\n{\"return\":{},\"id\":0}\r\n  [1] \"s\" 7\r\n"
			.getBytes(StandardCharsets.UTF_8);
		JsonValueReader reader = JsonValues.reader(new ByteArrayInputStream(stream));
		List<Object> values = new ArrayList<>();
		while (!reader.atEnd()) {
			values.add(reader.next());
		}
		assertThat(values).containsExactly(Map.of("QMP", Map.of()), Map.of("return", Map.of(), "id", 0L), List.of(1L),
				"s", 7L);
		assertThatExceptionOfType(MalformedJsonException.class).isThrownBy(reader::next)
			.withMessageContaining("ends where a value should start");
	}

	@Test
	void readerReadsNoFurtherThanTheValueNeeds() throws Exception {
		// a value split over reads, as a pipe delivers it, and nothing read past it
		ByteArrayInputStream rest = new ByteArrayInputStream("{\"a\":[1,2]}{\"b\":2}".getBytes());
		java.io.InputStream trickle = new java.io.InputStream() {

			@Override
			public int read() {
				return rest.read();
			}

			@Override
			public int read(byte[] buffer, int offset, int length) {
				return rest.read(buffer, offset, Math.min(length, 3));
			}

		};
		JsonValueReader reader = JsonValues.reader(trickle);
		assertThat(reader.next()).isEqualTo(Map.of("a", List.of(1L, 2L)));
		assertThat(reader.next()).isEqualTo(Map.of("b", 2L));
		assertThat(reader.atEnd()).isTrue();
	}

	@Test
	void controlCharactersAndLoneSurrogatesAreEscaped() throws Exception {
		String text = "\u0000\u001f\ud800x\udc00";
		String written = new String(JsonValues.write(text), StandardCharsets.UTF_8);
		assertThat(written).isEqualTo("\"\\u0000\\u001f\\ud800x\\udc00\"");
		assertThat(JsonValues.read(written.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
	}

	@Test
	void whatJsonCannotHoldIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.write(Double.NaN));
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.write(Double.POSITIVE_INFINITY));
		assertThatIllegalArgumentException().isThrownBy(() -> JsonValues.write(new Object()))
			.withMessageContaining("java.lang.Object");
	}

	/** Jackson reads small integers as Integer: compare as longs. */
	private static Object normalize(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<Object, Object> copy = new LinkedHashMap<>();
			map.forEach((key, member) -> copy.put(key, normalize(member)));
			return copy;
		}
		if (value instanceof List<?> list) {
			return list.stream().map(JsonValuesTests::normalize).toList();
		}
		if (value instanceof Integer number) {
			return number.longValue();
		}
		if (value instanceof BigInteger number && number.bitLength() < 64) {
			return number.longValue();
		}
		return value;
	}

}
