package io.github.qemuembed.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ResultsFileTests {

	@Test
	void writesMeasuredRowsWithValuesAndMissingRowsWithTheirReason(@TempDir Path dir) throws Exception {
		Samples samples = new Samples();
		samples.add(2);
		samples.add(1);
		Path file = dir.resolve("target/results.json");
		ResultsFile.write(file, List.of(Row.of("launch", Systems.RAW_QEMU, "time", "ms", samples),
				Row.missing("launch", Systems.LIBVIRT, "virsh not installed")));

		JsonNode json = JsonMapper.builder().build().readTree(Files.readString(file));
		JsonNode measured = json.get(0);
		assertThat(measured.get("scenario").asString()).isEqualTo("launch");
		assertThat(measured.get("system").asString()).isEqualTo("raw-qemu");
		assertThat(measured.get("metric").asString()).isEqualTo("time");
		assertThat(measured.get("unit").asString()).isEqualTo("ms");
		assertThat(measured.get("median").asDouble()).isEqualTo(1.0);
		assertThat(measured.get("p90").asDouble()).isEqualTo(2.0);
		assertThat(measured.get("n").asInt()).isEqualTo(2);
		assertThat(measured.has("missing")).isFalse();
		JsonNode missing = json.get(1);
		assertThat(missing.get("missing").isString()).isTrue();
		assertThat(missing.get("missing").asString()).isEqualTo("virsh not installed");
		assertThat(missing.get("median").isNull()).isTrue();
		assertThat(missing.get("n").asInt()).isZero();
	}

}
