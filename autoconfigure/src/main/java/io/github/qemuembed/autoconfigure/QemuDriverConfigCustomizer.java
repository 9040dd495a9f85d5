package io.github.qemuembed.autoconfigure;

import io.github.qemuembed.driver.DriverConfig;

/**
 * Callback to change the {@link DriverConfig} of the auto-configured driver before it is
 * opened, for settings that have no property (for example secondary drivers). Called
 * after the properties were applied, in {@link org.springframework.core.Ordered order}.
 */
@FunctionalInterface
public interface QemuDriverConfigCustomizer {

	void customize(DriverConfig.Builder builder);

}
