package io.github.qemuembed.autoconfigure.actuate;

import java.util.Map;

import org.apache.commons.logging.Log;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the deprecated {@code qemu.embed.actuator.write-operations=true} working: it
 * becomes {@code management.endpoint.qemu.access=unrestricted}, Boot's own switch, unless
 * that is set, and start-up says so. Runs after the configuration files are read, and
 * adds the replacement last, so that any explicit setting wins.
 */
class DeprecatedWriteOperationsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String DEPRECATED = "qemu.embed.actuator.write-operations";

	static final String REPLACEMENT = "management.endpoint.qemu.access";

	private final Log logger;

	DeprecatedWriteOperationsEnvironmentPostProcessor(DeferredLogFactory logFactory) {
		this.logger = logFactory.getLog(DeprecatedWriteOperationsEnvironmentPostProcessor.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		String value = environment.getProperty(DEPRECATED);
		if (value == null) {
			return;
		}
		if (environment.containsProperty(REPLACEMENT)) {
			this.logger.warn(DEPRECATED + " is deprecated and ignored: " + REPLACEMENT + " is set and decides");
			return;
		}
		if (Boolean.parseBoolean(value.trim())) {
			environment.getPropertySources()
				.addLast(new MapPropertySource("qemuEmbedDeprecatedWriteOperations",
						Map.of(REPLACEMENT, "unrestricted")));
			this.logger.warn(DEPRECATED + "=true is deprecated; it stands for " + REPLACEMENT
					+ "=unrestricted: set that instead");
		}
		else {
			this.logger.warn(DEPRECATED + " is deprecated; the qemu endpoint is read-only unless " + REPLACEMENT
					+ "=unrestricted: remove the setting");
		}
	}

	@Override
	public int getOrder() {
		// after ConfigDataEnvironmentPostProcessor (HIGHEST_PRECEDENCE + 10), which reads
		// application.yml
		return Ordered.LOWEST_PRECEDENCE;
	}

}
