package io.github.qemuembed.console;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

/**
 * The application of the browser tests: the starter, the console and Spring Security with
 * Boot's default chain (form login, HTTP basic, CSRF), and two users: an operator who may
 * do everything and a viewer who may only read ({@code qemu.embed.access.rules} in the
 * test's properties).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
class ConsoleTestApplication {

	static final String OPERATOR = "operator";

	static final String VIEWER = "viewer";

	static final String PASSWORD = "console-test-password";

	@Bean
	UserDetailsService users() {
		return new InMemoryUserDetailsManager(
				User.withUsername(OPERATOR).password("{noop}" + PASSWORD).roles("OPERATOR").build(),
				User.withUsername(VIEWER).password("{noop}" + PASSWORD).roles("VIEWER").build());
	}

}
