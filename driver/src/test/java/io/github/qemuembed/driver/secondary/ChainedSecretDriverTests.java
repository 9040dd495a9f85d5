package io.github.qemuembed.driver.secondary;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.secondary.embedded.EmbeddedSecretDriver;
import io.github.qemuembed.driver.secondary.embedded.SecretDefinition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ChainedSecretDriverTests {

	private static final UUID FROM_PROPERTIES = UUID.randomUUID();

	private static final UUID FROM_ROOT = UUID.randomUUID();

	@TempDir
	Path root;

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void firstDriverThatHasTheSecretAnswers() {
		EmbeddedSecretDriver embedded = new EmbeddedSecretDriver(this.root, AccessPolicy.allowAll(),
				CallerSupplier.NONE);
		embedded.define(SecretDefinition.forVolume(FROM_ROOT, "/a.img", true));
		embedded.setValue(FROM_ROOT, bytes("from-root"));
		StaticSecretDriver properties = new StaticSecretDriver(Map.of(FROM_PROPERTIES, bytes("from-properties")),
				"properties");
		ChainedSecretDriver chain = new ChainedSecretDriver(List.of(properties, embedded));
		assertThat(chain.secretValue(FROM_PROPERTIES)).isEqualTo(bytes("from-properties"));
		assertThat(chain.secretValue(FROM_ROOT)).isEqualTo(bytes("from-root"));
		assertThat(chain.endpoint()).isEqualTo("properties, embedded");
		UUID unknown = UUID.randomUUID();
		assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(() -> chain.secretValue(unknown))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_SECRET))
			.withMessageContaining(unknown.toString())
			.withMessageContaining("properties, embedded");
	}

	@Test
	void otherErrorsStopTheChain() {
		SecretDriver unreachable = SecondaryDriverFactory.secretDriver("secret:///system?socket=/nonexistent/sock",
				this.root, AccessPolicy.allowAll(), CallerSupplier.NONE);
		StaticSecretDriver properties = new StaticSecretDriver(Map.of(FROM_PROPERTIES, bytes("v")), "properties");
		ChainedSecretDriver chain = new ChainedSecretDriver(List.of(unreachable, properties));
		assertThatExceptionOfType(SecondaryDriverException.class).isThrownBy(() -> chain.secretValue(FROM_PROPERTIES))
			.satisfies((ex) -> assertThat(ex.code()).isEqualTo(ErrorCode.NO_CONNECT));
	}

	@Test
	void staticDriverCopiesValuesAndNeverPrintsThem() {
		byte[] value = bytes("hunter2");
		StaticSecretDriver driver = new StaticSecretDriver(Map.of(FROM_PROPERTIES, value), "properties");
		value[0] = 'X';
		byte[] read = driver.secretValue(FROM_PROPERTIES);
		assertThat(read).isEqualTo(bytes("hunter2"));
		read[0] = 'Y';
		assertThat(driver.secretValue(FROM_PROPERTIES)).isEqualTo(bytes("hunter2"));
		assertThat(driver.toString()).doesNotContain("hunter2").contains("1 secrets");
		assertThat(driver.uuids()).containsExactly(FROM_PROPERTIES);
	}

}
