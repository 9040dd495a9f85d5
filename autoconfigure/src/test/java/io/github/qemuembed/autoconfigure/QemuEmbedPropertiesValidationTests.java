package io.github.qemuembed.autoconfigure;

import io.github.qemuembed.driver.QemuDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Values of {@code qemu.embed.*} that cannot work fail start-up when the properties are
 * bound, and the failure analysis names the key, the value as written and the fix. The
 * cross-field checks that live elsewhere (detach without a root, xml and inline-xml) are
 * covered by {@link QemuEmbedAutoConfigurationTests}.
 */
class QemuEmbedPropertiesValidationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QemuEmbedAutoConfiguration.class))
		.withBean(QemuDriver.class, WiringTestDriver::new);

	@ParameterizedTest
	@ValueSource(strings = { "qmp-timeout", "start-timeout", "destroy-grace-period", "shutdown.timeout",
			"actuator.timeout" })
	void zeroDurationFailsWithKeyValueAndFix(String key) {
		this.runner.withPropertyValues("qemu.embed." + key + "=0s").run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureAnalysisSupport.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("'qemu.embed." + key + "' is '0s'")
				.contains("must be a positive duration");
			assertThat(analysis.getAction())
				.contains("Set 'qemu.embed." + key + "' to a value that must be a positive");
		});
	}

	@Test
	void negativeDurationFails() {
		this.runner.withPropertyValues("qemu.embed.qmp-timeout=-5s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
				.contains("'qemu.embed.qmp-timeout' is '-5s'");
		});
	}

	@Test
	void everyBadValueIsReportedAtOnce() {
		this.runner.withPropertyValues("qemu.embed.qmp-timeout=0s", "qemu.embed.shutdown.timeout=-1s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
					.contains("'qemu.embed.qmp-timeout' is '0s'")
					.contains("'qemu.embed.shutdown.timeout' is '-1s'");
			});
	}

	@Test
	void blankCrashedStatusFails() {
		this.runner.withPropertyValues("qemu.embed.actuator.crashed-status= ").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
				.contains("'qemu.embed.actuator.crashed-status'")
				.contains("must name a health status");
		});
	}

	@Test
	void theDefaultsAndPositiveValuesPass() {
		this.runner.withPropertyValues("qemu.embed.qmp-timeout=1ms", "qemu.embed.shutdown.timeout=1s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

}
