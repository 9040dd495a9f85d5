package io.github.qemuembed.driver.qmp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command goes on the wire as one JSON line with its name and arguments and nothing
 * else (no {@code id}: QEMU answers those later), whichever way it is written (the
 * plain-name shortcut or the generator).
 */
class QmpEncodeTests {

	private static final JsonMapper mapper = JsonMapper.shared();

	@ParameterizedTest
	@ValueSource(strings = { "query-status", "qmp_capabilities", "x-debug-query-block-graph", "cont",
			"with \"quotes\" and \\", "caf\u00e9", "" })
	void theLineIsTheCommandAndItsArguments(String command) {
		assertLine(QmpClient.encode(command, null), command, null);
		assertLine(QmpClient.encode(command, JsonNodeFactory.instance.nullNode()), command, null);
		JsonNode arguments = JsonNodeFactory.instance.objectNode().put("device", "disk\"0").put("size", 1L << 40);
		assertLine(QmpClient.encode(command, arguments), command, arguments);
	}

	private static void assertLine(ByteBuffer encoded, String command, JsonNode arguments) {
		String line = StandardCharsets.UTF_8.decode(encoded).toString();
		assertThat(line).endsWith("\n").doesNotContain("\r");
		assertThat(line.indexOf('\n')).isEqualTo(line.length() - 1);
		JsonNode message = mapper.readTree(line);
		assertThat(message.path("execute").asString()).isEqualTo(command);
		assertThat(message.has("id")).isFalse();
		if (arguments == null) {
			assertThat(message.has("arguments")).isFalse();
			assertThat(message.size()).isEqualTo(1);
		}
		else {
			assertThat(message.get("arguments")).isEqualTo(arguments);
			assertThat(message.size()).isEqualTo(2);
		}
	}

}
