package io.github.qemuembed.autoconfigure.access;

import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import jakarta.servlet.DispatcherType;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Web applications: every request's driver calls are a remote caller's (a filter binds
 * the request's {@link HttpOrigin} to its thread), and a start-up check warns about, or
 * with {@code qemu.embed.security.strict=true} refuses, write operations reachable
 * without Spring Security beyond the loopback interface, and write operations on a
 * reactive server.
 */
@AutoConfiguration(after = QemuEmbedAutoConfiguration.class)
@ConditionalOnWebApplication
@ConditionalOnBean({ QemuDriver.class, QemuEmbedProperties.class })
public final class QemuEmbedWebAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "qemuEmbedExposureCheck")
	ExposureCheck qemuEmbedExposureCheck(Environment environment, QemuEmbedProperties properties,
			ObjectProvider<AccessPolicy> policy, ApplicationContext context) {
		// a servlet application's context is a WebApplicationContext; a reactive one's is
		// not
		boolean reactive = !(context instanceof WebApplicationContext);
		return new ExposureCheck(environment, properties, policy.getIfUnique(), context, reactive);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ FilterRegistrationBean.class, DispatcherType.class, OncePerRequestFilter.class })
	static class ServletConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "qemuEmbedHttpOriginFilter")
		FilterRegistrationBean<?> qemuEmbedHttpOriginFilter() {
			FilterRegistrationBean<HttpOriginFilter> registration = new FilterRegistrationBean<>(
					new HttpOriginFilter());
			// first, so that every later filter, Spring Security's included, runs inside
			// it
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC, DispatcherType.ERROR,
					DispatcherType.FORWARD, DispatcherType.INCLUDE);
			return registration;
		}

	}

}
