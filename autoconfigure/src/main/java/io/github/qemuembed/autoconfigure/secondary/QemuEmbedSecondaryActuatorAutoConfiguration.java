package io.github.qemuembed.autoconfigure.secondary;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Actuator support for the secondary drivers: the {@code qemuSecondary} health
 * contributor (one component per configured driver: {@code network}, {@code storage},
 * {@code secret}; off with {@code management.health.qemusecondary.enabled=false}), and
 * the masking of {@code qemu.embed.secrets} in the {@code env} and {@code configprops}
 * endpoints, by key and wherever their values appear.
 */
@AutoConfiguration(after = QemuEmbedSecondaryAutoConfiguration.class)
public final class QemuEmbedSecondaryActuatorAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthContributor.class)
	@ConditionalOnBean(QemuEmbedSecondaryDrivers.class)
	@ConditionalOnEnabledHealthIndicator("qemusecondary")
	static class HealthConfiguration {

		/** Named so that the contributor is {@code qemuSecondary}. */
		@Bean(name = "qemuSecondaryHealthContributor")
		@ConditionalOnMissingBean(name = "qemuSecondaryHealthContributor")
		HealthContributor qemuSecondaryHealthContributor(QemuEmbedSecondaryDrivers drivers) {
			Map<String, SecondaryDriverHealthIndicator> indicators = new LinkedHashMap<>();
			drivers.configured()
				.forEach((kind, driver) -> indicators.put(kind, new SecondaryDriverHealthIndicator(kind, driver)));
			// with no driver configured the composite is empty, and Actuator leaves it
			// out of the health tree
			return CompositeHealthContributor.fromMap(indicators);
		}

	}

	/**
	 * Masks the secrets whether or not the driver is auto-configured, or even enabled:
	 * the keys may be in the environment all the same.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(SanitizingFunction.class)
	static class SanitizingConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "qemuEmbedSecretsSanitizingFunction")
		SanitizingFunction qemuEmbedSecretsSanitizingFunction(ConfigurableEnvironment environment) {
			return new QemuEmbedSecretsSanitizingFunction(environment);
		}

	}

}
