package io.github.qemuembed.autoconfigure.actuate;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogs;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deprecated switch maps onto Boot's endpoint access, and never over an explicit
 * setting.
 */
class DeprecatedWriteOperationsEnvironmentPostProcessorTests {

	@Test
	void trueStandsForUnrestrictedAccess() {
		assertThat(accessAfter(Map.of("qemu.embed.actuator.write-operations", "true"))).isEqualTo("unrestricted");
	}

	@Test
	void falseOrAbsentLeavesTheDefault() {
		assertThat(accessAfter(Map.of("qemu.embed.actuator.write-operations", "false"))).isNull();
		assertThat(accessAfter(Map.of())).isNull();
	}

	@Test
	void anExplicitAccessWins() {
		assertThat(accessAfter(
				Map.of("qemu.embed.actuator.write-operations", "true", "management.endpoint.qemu.access", "read-only")))
			.isEqualTo("read-only");
	}

	private static String accessAfter(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		new DeprecatedWriteOperationsEnvironmentPostProcessor(new DeferredLogs()).postProcessEnvironment(environment,
				new SpringApplication());
		return environment.getProperty("management.endpoint.qemu.access");
	}

}
