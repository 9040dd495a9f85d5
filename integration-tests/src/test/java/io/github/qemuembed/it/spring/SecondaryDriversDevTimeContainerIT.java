package io.github.qemuembed.it.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.qemuembed.autoconfigure.secondary.QemuEmbedSecondaryDrivers;
import io.github.qemuembed.testsupport.libvirt.LibvirtContainer;
import io.github.qemuembed.testsupport.process.QemuRoots;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dev-time use of the {@code @ServiceConnection}: a {@link LibvirtContainer}
 * {@code @Bean} (as in a
 * {@code SpringApplication.from(Main::main).with(DevContainers.class)} launcher) is
 * started by Boot's Testcontainers lifecycle, gives the driver its secondary endpoints
 * with no property, and is stopped and removed with the context.
 */
class SecondaryDriversDevTimeContainerIT {

	@Test
	void containerBeanSuppliesTheEndpointsAndGoesWithTheContext() throws IOException {
		Path root = Files.createTempDirectory(Path.of("/tmp"), "qe");
		ConfigurableApplicationContext context = null;
		try {
			context = new SpringApplicationBuilder(Application.class, DevContainers.class).web(WebApplicationType.NONE)
				.properties("qemu.embed.root=" + root, "qemu.embed.shutdown.mode=destroy")
				.run();
			LibvirtContainer libvirt = context.getBean(LibvirtContainer.class);
			assertThat(libvirt.isRunning()).isTrue();
			QemuEmbedSecondaryDrivers drivers = context.getBean(QemuEmbedSecondaryDrivers.class);
			assertThat(drivers.configured()).containsOnlyKeys("network", "storage", "secret");
			assertThat(drivers.storage().get().endpoint()).isEqualTo(libvirt.unixUri("storage"));
			drivers.configured().values().forEach((driver) -> driver.ping()); // each
																				// answers
			context.close();
			assertThat(libvirt.isRunning()).isFalse();
			assertThat(libvirt.runDirectory()).doesNotExist();
		}
		finally {
			if (context != null) {
				context.close();
			}
			QemuRoots.cleanUp(root);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class DevContainers {

		@Bean
		@ServiceConnection
		LibvirtContainer libvirt() {
			return new LibvirtContainer();
		}

	}

}
