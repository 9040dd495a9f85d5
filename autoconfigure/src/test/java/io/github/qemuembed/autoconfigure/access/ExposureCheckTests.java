package io.github.qemuembed.autoconfigure.access;

import io.github.qemuembed.autoconfigure.FailureAnalysisSupport;
import io.github.qemuembed.autoconfigure.LogRecords;
import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.security.web.DefaultSecurityFilterChain;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.util.matcher.AnyRequestMatcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up check of how write operations are exposed, with the real driver (a
 * temporary root, no domain): a warning by default, a refusal with failure analysis in
 * strict mode.
 */
class ExposureCheckTests {

	private final LogRecords log = LogRecords.capture();

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		// as SpringApplication does: 'unrestricted' binds to Boot's Access
		.withInitializer((context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
		.withConfiguration(
				AutoConfigurations.of(QemuEmbedAutoConfiguration.class, QemuEmbedWebAutoConfiguration.class));

	@AfterEach
	void stopCapture() {
		this.log.close();
	}

	@Test
	void writesOnAllInterfacesWithoutSpringSecurityAreAWarning() {
		this.runner.withPropertyValues("management.endpoint.qemu.access=unrestricted").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(this.log.text()).contains("WARNING qemu-embed: VMs can be changed over HTTP")
				.contains("the qemu endpoint's access is unrestricted (management.endpoint.qemu.access)")
				.contains("the server listens on all interfaces (server.address is not set)")
				.contains("qemu.embed.security.strict=true");
		});
	}

	@Test
	void strictModeRefusesToStartAndSaysWhatToChange() {
		this.runner
			.withPropertyValues("management.endpoint.qemu.access=unrestricted", "qemu.embed.security.strict=true",
					"server.address=0.0.0.0")
			.run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				assertThat(failure).isInstanceOf(InsecureExposureException.class);
				assertThat(FailureAnalysisSupport.text(failure)).contains("qemu.embed.security.strict is true")
					.contains("the qemu endpoint's access is unrestricted (management.endpoint.qemu.access)")
					.contains("the server listens on 0.0.0.0 (server.address)")
					.contains("server.address=127.0.0.1")
					.contains("spring-boot-starter-security");
			});
	}

	@Test
	void loopbackServersAreNotExposed() {
		this.runner
			.withPropertyValues("management.endpoint.qemu.access=unrestricted", "qemu.embed.security.strict=true",
					"server.address=127.0.0.1")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(this.log.text()).doesNotContain("anonymous caller");
	}

	@Test
	void aManagementServerOfItsOwnIsCheckedToo() {
		this.runner
			.withPropertyValues("management.endpoint.qemu.access=unrestricted", "qemu.embed.security.strict=true",
					"server.address=localhost", "management.server.port=9091")
			.run((context) -> assertThat(context).getFailure()
				.isInstanceOf(InsecureExposureException.class)
				.hasMessageContaining(
						"the management server listens on all interfaces (management.server.address" + " is not set)")
				.hasMessageNotContaining("the server listens"));
	}

	@Test
	void anonymousWritesAreWrites() {
		this.runner.withPropertyValues("qemu.embed.access.anonymous-calls=allow", "qemu.embed.security.strict=true")
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(
						"qemu.embed.access.anonymous-calls=allow gives anonymous callers every permission"));
		// the opening itself is a warning whatever the addresses
		assertThat(this.log.text()).contains(
				"WARNING qemu-embed: qemu.embed.access.anonymous-calls=allow gives anonymous callers every permission");
	}

	@Test
	void springSecurityIsEnoughForStrictMode() {
		this.runner
			.withPropertyValues("management.endpoint.qemu.access=unrestricted", "qemu.embed.security.strict=true")
			.withBean(SecurityFilterChain.class, () -> new DefaultSecurityFilterChain(AnyRequestMatcher.INSTANCE))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void readOnlyIsNeverExposed() {
		this.runner.withPropertyValues("qemu.embed.security.strict=true", "server.address=0.0.0.0")
			.run((context) -> assertThat(context).hasNotFailed().hasBean("qemuEmbedHttpOriginFilter"));
	}

	@Test
	void writesOnAReactiveServerAreRefusedInStrictModeEvenWithSpringSecurity() {
		new ReactiveWebApplicationContextRunner()
			.withInitializer(
					(context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
			.withConfiguration(
					AutoConfigurations.of(QemuEmbedAutoConfiguration.class, QemuEmbedWebAutoConfiguration.class))
			.withPropertyValues("management.endpoint.qemu.access=unrestricted", "qemu.embed.security.strict=true",
					"server.address=127.0.0.1")
			.withBean(SecurityFilterChain.class, () -> new DefaultSecurityFilterChain(AnyRequestMatcher.INSTANCE))
			.run((context) -> {
				assertThat(context).getFailure()
					.isInstanceOf(InsecureExposureException.class)
					.hasMessageContaining("the server is reactive (WebFlux)");
				assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
					.contains("servlet server (spring-boot-starter-web)");
			});
		new ReactiveWebApplicationContextRunner()
			.withInitializer(
					(context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
			.withConfiguration(
					AutoConfigurations.of(QemuEmbedAutoConfiguration.class, QemuEmbedWebAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ExposureCheck.class)
				.doesNotHaveBean(FilterRegistrationBean.class));
	}

	@Test
	void notAWebApplicationNoCheckAndNoFilter() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(QemuEmbedAutoConfiguration.class, QemuEmbedWebAutoConfiguration.class))
			.withPropertyValues("management.endpoint.qemu.access=unrestricted", "qemu.embed.security.strict=true")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(ExposureCheck.class)
				.doesNotHaveBean(FilterRegistrationBean.class));
	}

}
