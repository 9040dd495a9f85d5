package io.github.qemuembed.benchmarks.spring;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import io.github.qemuembed.benchmarks.BenchmarkContext;

/**
 * The Spring Boot application of the Spring scenarios: nothing but auto-configuration, so
 * that what is measured is the starter (driver bean, lifecycle, Actuator parts) as a user
 * gets it.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class BenchmarkApplication {

	/**
	 * Starts the application on {@code root} with the harness's emulator and accelerator,
	 * plus {@code extra}.
	 */
	static ConfigurableApplicationContext run(BenchmarkContext context, Path root, WebApplicationType web,
			Map<String, Object> extra) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("qemu.embed.root", root.toString());
		properties.put("qemu.embed.emulator", context.emulator().toString());
		properties.put("qemu.embed.accel", context.machine().accel());
		properties.put("spring.main.banner-mode", "off");
		properties.put("logging.level.root", "WARN");
		properties.put("server.port", "0");
		properties.putAll(extra);
		return new SpringApplicationBuilder(BenchmarkApplication.class).web(web)
			.properties(properties)
			.logStartupInfo(false)
			.registerShutdownHook(false)
			.run();
	}

}
