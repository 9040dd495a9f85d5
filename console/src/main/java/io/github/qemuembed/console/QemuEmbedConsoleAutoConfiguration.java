package io.github.qemuembed.console;

import java.nio.file.Path;
import java.time.Duration;

import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties;
import io.github.qemuembed.autoconfigure.access.HttpAccessListener;
import io.github.qemuembed.autoconfigure.access.HttpCallerSupplier;
import io.github.qemuembed.autoconfigure.actuate.DomainSnapshots;
import io.github.qemuembed.autoconfigure.actuate.DomainStatistics;
import io.github.qemuembed.autoconfigure.actuate.QemuEmbedActuatorAutoConfiguration;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.CacheControl;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerResponse;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;

/**
 * The browser console: a live dashboard of the driver's domains with their actions, and
 * an xterm.js serial console per domain. Off unless
 * {@code qemu.embed.console.enabled=true}; needs a servlet web application, the starter's
 * driver and an {@link AccessPolicy} bean (the starter's, from {@code qemu.embed.access},
 * or yours). See docs/console.md.
 * <p>
 * The figures come from the Actuator's readers ({@link DomainSnapshots} as the
 * application, {@link DomainStatistics}) when the Actuator is configured, and from
 * readers of the same classes made here otherwise.
 */
@AutoConfiguration(after = { QemuEmbedAutoConfiguration.class, QemuEmbedActuatorAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ QemuDriver.class, WebSocketConfigurer.class, RouterFunction.class })
@ConditionalOnBooleanProperty("qemu.embed.console.enabled")
@ConditionalOnBean({ QemuDriver.class, AccessPolicy.class })
@EnableConfigurationProperties(QemuEmbedConsoleProperties.class)
public final class QemuEmbedConsoleAutoConfiguration {

	@Bean
	ConsolePaths qemuEmbedConsolePaths(QemuEmbedConsoleProperties properties) {
		return ConsolePaths.of(properties);
	}

	@Bean
	ConsoleAccess qemuEmbedConsoleAccess(AccessPolicy policy, ObjectProvider<CallerSupplier> callers,
			ObjectProvider<HttpAccessListener> listeners) {
		// observed like the driver's own policy, so that a console joined here is audited
		// the same way
		return new ConsoleAccess(HttpAccessListener.observing(policy, listeners.orderedStream().toList()),
				callers.getIfAvailable(HttpCallerSupplier::new));
	}

	@Bean
	DashboardSampler qemuEmbedConsoleSampler(QemuDriver driver, QemuEmbedConsoleProperties properties,
			ObjectProvider<QemuEmbedProperties> qemuProperties,
			@Qualifier("qemuEmbedApplicationSnapshots") ObjectProvider<DomainSnapshots> snapshots,
			ObjectProvider<DomainStatistics> statistics, ConsoleAccess access) {
		Duration timeout = qemuProperties.getIfAvailable(QemuEmbedProperties::new).getActuator().getTimeout();
		return new DashboardSampler(driver,
				snapshots.getIfAvailable(() -> DomainSnapshots.asApplication(driver, timeout)),
				statistics.getIfAvailable(() -> new DomainStatistics(driver, timeout)), access,
				properties.getDashboard().getSampleInterval());
	}

	@Bean
	RouterFunction<ServerResponse> qemuEmbedConsoleRoutes(QemuDriver driver, DashboardSampler sampler,
			ConsoleAccess access, ConsolePaths paths, ObjectProvider<QemuEmbedProperties> qemuProperties) {
		Duration shutdownTimeout = qemuProperties.getIfAvailable(QemuEmbedProperties::new).getShutdown().getTimeout();
		return new ConsoleHandlers(driver, sampler, access, paths, shutdownTimeout).routes();
	}

	@Bean
	WebMvcConfigurer qemuEmbedConsoleAssets(ConsolePaths paths) {
		return new WebMvcConfigurer() {

			@Override
			public void addResourceHandlers(ResourceHandlerRegistry registry) {
				registry.addResourceHandler(paths.assets() + "/**")
					.addResourceLocations("classpath:/qemu-embed-console/static/")
					.setCacheControl(CacheControl.noCache());
			}

		};
	}

	/**
	 * Unless allowed, the console's requests are served on the loopback interface only.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "qemu.embed.console.allow-remote", havingValue = false, matchIfMissing = true)
	FilterRegistrationBean<LoopbackOnlyFilter> qemuEmbedConsoleLoopbackFilter(ConsolePaths paths) {
		FilterRegistrationBean<LoopbackOnlyFilter> registration = new FilterRegistrationBean<>(
				new LoopbackOnlyFilter(paths));
		// before any authentication: a request from elsewhere is refused whoever sends it
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
		return registration;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocket
	static class WebSocketConfiguration {

		@Bean
		ConsoleHubs qemuEmbedConsoleHubs(ConsoleAccess access) {
			return new ConsoleHubs(access);
		}

		@Bean
		ConsoleWebSocketHandler qemuEmbedConsoleWebSocketHandler(QemuDriver driver,
				QemuEmbedConsoleProperties properties) {
			// the root is read once, as the application: the log is read for browsers
			// already let in
			Path logs = driver.root().resolve("log").resolve("qemu");
			return new ConsoleWebSocketHandler(logs, properties.getTerminal().getHistory().toBytes(),
					properties.getTerminal().getClientBuffer().toBytes());
		}

		@Bean
		WebSocketConfigurer qemuEmbedConsoleWebSocket(QemuDriver driver, ConsoleHubs hubs, ConsolePaths paths,
				ConsoleWebSocketHandler handler, QemuEmbedConsoleProperties properties) {
			return (registry) -> registry.addHandler(handler, paths.consolePattern())
				.addInterceptors(new ConsoleHandshakeInterceptor(driver, hubs, paths))
				// same origin always; these besides
				.setAllowedOrigins(properties.getAllowedOrigins().toArray(String[]::new));
		}

	}

}
