package io.github.qemuembed.console;

import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.access.QemuEmbedWebAutoConfiguration;
import io.github.qemuembed.driver.QemuDriver;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's conditions, with the starter's real driver (a temporary root; no VM is
 * started).
 */
class QemuEmbedConsoleAutoConfigurationTests {

	private static final AutoConfigurations CONFIGURATIONS = AutoConfigurations.of(QemuEmbedAutoConfiguration.class,
			QemuEmbedWebAutoConfiguration.class, QemuEmbedConsoleAutoConfiguration.class);

	private final WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(CONFIGURATIONS);

	@Test
	void offByDefault() {
		this.web.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(QemuDriver.class)
			.doesNotHaveBean(ConsolePaths.class)
			.doesNotHaveBean(DashboardSampler.class)
			.doesNotHaveBean(ConsoleHubs.class)
			.doesNotHaveBean(QemuEmbedConsoleProperties.class));
	}

	@Test
	void onWhenEnabledAndLoopbackOnlyUnlessAllowed() {
		this.web.withPropertyValues("qemu.embed.console.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(ConsolePaths.class)
				.hasSingleBean(DashboardSampler.class)
				.hasSingleBean(ConsoleHubs.class)
				.hasSingleBean(ConsoleWebSocketHandler.class)
				.hasBean("qemuEmbedConsoleLoopbackFilter");
			assertThat(context.getBean("qemuEmbedConsoleLoopbackFilter", FilterRegistrationBean.class).getFilter())
				.isInstanceOf(LoopbackOnlyFilter.class);
			assertThat(context.getBean(ConsolePaths.class).base()).isEqualTo("/qemu");
		});
		this.web.withPropertyValues("qemu.embed.console.enabled=true", "qemu.embed.console.allow-remote=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(DashboardSampler.class)
				.doesNotHaveBean("qemuEmbedConsoleLoopbackFilter"));
	}

	@Test
	void failsStartUpOnAPathItCannotServe() {
		this.web.withPropertyValues("qemu.embed.console.enabled=true", "qemu.embed.console.path=qemu/")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConsolePropertyException.class)
				.hasMessageContaining("'qemu.embed.console.path'"));
	}

	@Test
	void backsOffWithoutAWebApplication() {
		new ApplicationContextRunner().withConfiguration(CONFIGURATIONS)
			.withPropertyValues("qemu.embed.console.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(QemuDriver.class)
				.doesNotHaveBean(ConsolePaths.class)
				.doesNotHaveBean(DashboardSampler.class));
	}

	@Test
	void backsOffWithoutTheDriver() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(QemuEmbedConsoleAutoConfiguration.class))
			.withPropertyValues("qemu.embed.console.enabled=true")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ConsolePaths.class));
		this.web.withPropertyValues("qemu.embed.console.enabled=true", "qemu.embed.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ConsolePaths.class));
	}

	@Test
	void backsOffWithoutSpringWebSocket() {
		this.web.withPropertyValues("qemu.embed.console.enabled=true")
			.withClassLoader(new FilteredClassLoader(WebSocketConfigurer.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ConsolePaths.class));
	}

}
