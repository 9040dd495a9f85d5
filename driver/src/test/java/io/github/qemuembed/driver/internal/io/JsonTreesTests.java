package io.github.qemuembed.driver.internal.io;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The streaming codec builds the same trees as Jackson's mapper and writes text the
 * mapper reads back equal, for what QMP and the guest agent send and receive.
 */
class JsonTreesTests {

	private static final JsonMapper mapper = JsonMapper.shared();

	@ParameterizedTest
	@ValueSource(strings = {
			"{\"return\": {\"status\": \"running\", \"singlestep\": false, \"running\": true}, \"id\": 7}",
			"{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": \"guest-shutdown\"}, "
					+ "\"timestamp\": {\"seconds\": 1764590000, \"microseconds\": 123456}}",
			"{\"return\": [{\"name\": \"pc-q35-7.2\", \"cpu-max\": 288, \"is-default\": null}, {\"n\": -1}]}",
			"{\"big\": 18446744073709551615, \"long\": 9007199254740993, \"neg\": -2147483649, \"frac\": 0.25, "
					+ "\"exp\": 1e-7, \"unicode\": \"caf\\u00e9 \\u2603 \\\"q\\\" \\\\ \\n\", \"empty\": {}, \"none\": []}",
			"[1, \"two\", 3.5, true, null, [[]], {\"a\": {\"b\": {\"c\": 1}}}]", "\"just a string\"", "42",
			"{\"dup\": 1, \"dup\": 2}" })
	void readsWhatTheMapperReadsAndWritesWhatItReadsBack(String text) {
		JsonNode expected = mapper.readTree(text);
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		JsonNode tree = JsonTrees.read(bytes, 0, bytes.length);
		assertThat(tree).isEqualTo(expected);
		assertThat(JsonTrees.read(text)).isEqualTo(expected);
		assertThat(mapper.readTree(JsonTrees.writeBytes(tree))).isEqualTo(expected);
		assertThat(mapper.readTree(JsonTrees.writeString(tree))).isEqualTo(expected);
	}

	@Test
	void readsASliceOfALargerBuffer() {
		byte[] bytes = "xx{\"a\": 1}yy".getBytes(StandardCharsets.UTF_8);
		assertThat(JsonTrees.read(bytes, 2, 8).path("a").asInt()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "   ", "{\"a\": 1} trailing", "{\"a\": ", "{'a': 1}", "[1, 2", "nul" })
	void rejectsWhatIsNotOneJsonValueWithJacksonsError(String text) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> JsonTrees.read(bytes, 0, bytes.length));
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> JsonTrees.read(text));
	}

	@Test
	void writesEveryNumberKindTheMapperWrites() {
		ObjectNode numbers = JsonNodeFactory.instance.objectNode();
		numbers.put("int", 1)
			.put("long", 1L << 40)
			.put("big", new BigInteger("123456789012345678901234567890"))
			.put("float", 1.5f)
			.put("double", 2.25)
			.put("decimal", new BigDecimal("3.125"));
		assertThat(new String(JsonTrees.writeBytes(numbers), StandardCharsets.UTF_8))
			.isEqualTo(mapper.writeValueAsString(numbers));
	}

	@Test
	void binaryAndPojoNodesAreWrittenByTheMapper() {
		ObjectNode odd = JsonNodeFactory.instance.objectNode();
		odd.put("bytes", new byte[] { 1, 2, 3 });
		odd.putPOJO("pojo", Map.of("k", "v"));
		assertThat(mapper.readTree(JsonTrees.writeBytes(odd)))
			.isEqualTo(mapper.readTree(mapper.writeValueAsString(odd)));
	}

	@Test
	void plainJavaValuesBecomeTheTreesTheMapperMakes() {
		Map<String, Object> arguments = new LinkedHashMap<>();
		arguments.put("node-name", "disk0");
		arguments.put("size", 1L << 33);
		arguments.put("count", 3);
		arguments.put("ratio", 0.5);
		arguments.put("readonly", true);
		arguments.put("none", null);
		arguments.put("list", List.of("a", 1, Map.of("x", false)));
		arguments.put("tree", JsonNodeFactory.instance.objectNode().put("t", 1));
		arguments.put("record", new Sample("s", 2));
		assertThat(JsonTrees.valueOf(arguments)).isEqualTo(mapper.valueToTree(arguments));
	}

	record Sample(String name, int value) {
	}

}
