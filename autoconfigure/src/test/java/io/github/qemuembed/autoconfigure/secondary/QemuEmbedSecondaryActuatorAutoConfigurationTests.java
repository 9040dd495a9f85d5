package io.github.qemuembed.autoconfigure.secondary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.github.qemuembed.autoconfigure.QemuEmbedRoot;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.Show;
import org.springframework.boot.actuate.env.EnvironmentEndpoint.EnvironmentDescriptor;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code qemuSecondary} health contributor and the masking of
 * {@code qemu.embed.secrets} in Actuator's environment endpoint. A daemon that answers
 * (UP) is covered by the integration tests; here the drivers that need none (secrets from
 * properties, the embedded driver) are UP and a daemon socket that does not exist is
 * DOWN.
 */
class QemuEmbedSecondaryActuatorAutoConfigurationTests {

	private static final UUID LUKS = UUID.fromString("6f1d7c2e-0b5a-4c39-9d8e-2a4b6c8d0e1f");

	private Path root;

	private ApplicationContextRunner runner;

	@BeforeEach
	void runner() throws IOException {
		this.root = Files.createTempDirectory(Path.of("/tmp"), "qe");
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(QemuEmbedSecondaryAutoConfiguration.class,
					QemuEmbedSecondaryActuatorAutoConfiguration.class))
			.withBean(QemuEmbedRoot.class, () -> QemuEmbedRoot.persistent(this.root))
			.withBean(AccessPolicy.class, AccessPolicy::allowAll);
	}

	@AfterEach
	void deleteRoot() throws IOException {
		FileTrees.deleteQuietly(this.root);
	}

	@Test
	void eachConfiguredDriverIsAComponentWithItsEndpoint() {
		Path missing = this.root.resolve("no-daemon-sock");
		this.runner
			.withPropertyValues("qemu.embed.secondary.storage=storage:///system?socket=" + missing,
					"qemu.embed.secondary.secret=embedded", "qemu.embed.secrets." + LUKS + ".value=pw")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CompositeHealthContributor health = (CompositeHealthContributor) context
					.getBean("qemuSecondaryHealthContributor", HealthContributor.class);
				assertThat(health.stream().map((c) -> c.name())).containsExactly("storage", "secret");
				Health storage = ((HealthIndicator) health.getContributor("storage")).health();
				assertThat(storage.getStatus()).isEqualTo(Status.DOWN);
				assertThat(storage.getDetails()).containsEntry("endpoint", "storage:///system?socket=" + missing)
					.containsEntry("code", "NO_CONNECT")
					.containsEntry("property", "qemu.embed.secondary.storage");
				assertThat((String) storage.getDetails().get("error")).contains(missing.toString());
				Health secret = ((HealthIndicator) health.getContributor("secret")).health();
				assertThat(secret.getStatus()).isEqualTo(Status.UP);
				assertThat(secret.getDetails()).containsEntry("endpoint", "properties, embedded");
				assertThat(secret.toString()).doesNotContain("pw\"").doesNotContain("=pw");
			});
	}

	@Test
	void theEmbeddedStorageDriverShowsItsPoolsAndTheirSpace() {
		this.runner
			.withPropertyValues("qemu.embed.secondary.storage=embedded",
					"qemu.embed.storage.pools.images.path=" + this.root.resolve("images"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CompositeHealthContributor health = (CompositeHealthContributor) context
					.getBean("qemuSecondaryHealthContributor", HealthContributor.class);
				Health storage = ((HealthIndicator) health.getContributor("storage")).health();
				assertThat(storage.getStatus()).isEqualTo(Status.UP);
				assertThat(storage.getDetails()).containsEntry("endpoint", "embedded");
				@SuppressWarnings("unchecked")
				Map<String, Map<String, Object>> pools = (Map<String, Map<String, Object>>) storage.getDetails()
					.get("pools");
				assertThat(pools).containsOnlyKeys("images");
				assertThat(pools.get("images")).containsEntry("active", true)
					.containsEntry("path", this.root.resolve("images").toString());
				assertThat((Long) pools.get("images").get("capacityBytes")).isPositive();
				assertThat((Long) pools.get("images").get("availableBytes")).isPositive();
			});
	}

	@Test
	void withNoDriverConfiguredTheContributorIsLeftOutOfTheHealthEndpoint() {
		this.runner
			.withConfiguration(
					AutoConfigurations.of(EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
							HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.run((context) -> {
				CompositeHealthContributor contributor = (CompositeHealthContributor) context
					.getBean("qemuSecondaryHealthContributor", HealthContributor.class);
				assertThat(contributor.stream()).isEmpty();
				CompositeHealthDescriptor health = (CompositeHealthDescriptor) context.getBean(HealthEndpoint.class)
					.health();
				assertThat(health.getStatus()).isEqualTo(Status.UP);
				assertThat(health.getComponents()).isNotEmpty().doesNotContainKey("qemuSecondary");
			});
	}

	@Test
	void configuredDriversAreInTheHealthEndpoint() {
		this.runner
			.withConfiguration(
					AutoConfigurations.of(EndpointAutoConfiguration.class, HealthContributorAutoConfiguration.class,
							HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.withPropertyValues("qemu.embed.secondary.secret=embedded")
			.run((context) -> {
				CompositeHealthDescriptor health = (CompositeHealthDescriptor) context.getBean(HealthEndpoint.class)
					.health();
				assertThat(health.getComponents()).containsKey("qemuSecondary");
				CompositeHealthDescriptor secondary = (CompositeHealthDescriptor) health.getComponents()
					.get("qemuSecondary");
				assertThat(secondary.getComponents()).containsOnlyKeys("secret");
				assertThat(secondary.getStatus()).isEqualTo(Status.UP);
			});
	}

	@Test
	void healthCanBeTurnedOff() {
		this.runner
			.withPropertyValues("management.health.qemusecondary.enabled=false", "qemu.embed.secondary.secret=embedded")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean("qemuSecondaryHealthContributor"));
	}

	@Test
	void withoutAutoConfiguredDriversThereIsNoHealthButSecretsAreStillMasked() {
		this.runner.withPropertyValues("qemu.embed.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean("qemuSecondaryHealthContributor")
				.hasBean("qemuEmbedSecretsSanitizingFunction"));
	}

	@Test
	void environmentEndpointMasksSecretsEvenWhenItShowsValues() {
		String envVariable = "QEMU_EMBED_SECRETS_" + LUKS.toString().toUpperCase().replace('-', '_') + "_VALUE";
		this.runner
			.withPropertyValues("qemu.embed.secrets." + LUKS + ".value=props-secret",
					"qemu.embed.secrets[" + UUID.randomUUID() + "].base64=YnJhY2tldC1zZWNyZXQ=",
					"qemu.embed.secondary.secret=embedded")
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-env", Map.of(envVariable, "env-secret"))))
			.run((context) -> {
				ConfigurableEnvironment environment = (ConfigurableEnvironment) context.getEnvironment();
				List<SanitizingFunction> functions = context.getBeanProvider(SanitizingFunction.class)
					.orderedStream()
					.toList();
				assertThat(functions).hasSize(1);
				String masked = values(new EnvironmentEndpoint(environment, functions, Show.ALWAYS).environment(null));
				assertThat(masked).doesNotContain("props-secret")
					.doesNotContain("YnJhY2tldC1zZWNyZXQ=")
					.doesNotContain("env-secret")
					.contains("embedded"); // other values are still shown
				// without the function, Boot 4 shows them: nothing masks by key once
				// values are shown
				String unmasked = values(
						new EnvironmentEndpoint(environment, List.of(), Show.ALWAYS).environment(null));
				assertThat(unmasked).contains("props-secret").contains("env-secret");
				assertThat(new EnvironmentEndpoint(environment, functions, Show.ALWAYS).environmentEntry(envVariable)
					.getProperty()
					.getValue()).isEqualTo("******");
			});
	}

	@Test
	void aSecretIsMaskedWhereverItsValueAppears() {
		// as when the application was started with --qemu.embed.secrets.<uuid>.value=...:
		// the JVM's
		// command line (sun.java.command) and other entries carry the value under keys of
		// their own
		String base64Text = "text-given-as-base64";
		String base64 = Base64.getEncoder().encodeToString(base64Text.getBytes());
		Map<String, Object> commandLine = Map.of("qemu.embed.secrets." + LUKS + ".value", "cmdline-secret",
				"qemu.embed.secrets." + UUID.randomUUID() + ".base64", base64);
		Map<String, Object> jvm = Map.of("sun.java.command",
				"app.jar --qemu.embed.secrets." + LUKS + ".value=cmdline-secret --server.port=8080", "java.version",
				"17", "other.property", "holds " + base64Text + " decoded");
		this.runner.withInitializer((context) -> {
			var sources = context.getEnvironment().getPropertySources();
			sources.addFirst(new MapPropertySource("jvm", jvm));
			sources.addFirst(new MapPropertySource("commandLineArgs", commandLine));
		}).run((context) -> {
			ConfigurableEnvironment environment = (ConfigurableEnvironment) context.getEnvironment();
			List<SanitizingFunction> functions = context.getBeanProvider(SanitizingFunction.class)
				.orderedStream()
				.toList();
			EnvironmentEndpoint endpoint = new EnvironmentEndpoint(environment, functions, Show.ALWAYS);
			assertThat(values(endpoint.environment(null))).doesNotContain("cmdline-secret")
				.doesNotContain(base64)
				.doesNotContain(base64Text)
				.contains("17");
			assertThat(endpoint.environmentEntry("sun.java.command").getProperty().getValue()).isEqualTo("******");
			assertThat(endpoint.environmentEntry("other.property").getProperty().getValue()).isEqualTo("******");
			assertThat(endpoint.environmentEntry("java.version").getProperty().getValue()).isEqualTo("17");
		});
	}

	@Test
	void configpropsEndpointMasksSecretsEvenWhenItShowsValues() {
		this.runner
			.withPropertyValues("qemu.embed.secrets." + LUKS + ".value=props-secret",
					"qemu.embed.secondary.secret=embedded")
			.run((context) -> {
				List<SanitizingFunction> functions = context.getBeanProvider(SanitizingFunction.class)
					.orderedStream()
					.toList();
				String masked = configprops(context, functions);
				assertThat(masked).contains(LUKS.toString()).doesNotContain("props-secret").contains("embedded");
				// without the function, Boot 4 shows them
				assertThat(configprops(context, List.of())).contains("props-secret");
			});
	}

	private static String configprops(ApplicationContext context, List<SanitizingFunction> functions) {
		ConfigurationPropertiesReportEndpoint endpoint = new ConfigurationPropertiesReportEndpoint(functions,
				Show.ALWAYS);
		endpoint.setApplicationContext(context);
		StringBuilder text = new StringBuilder();
		endpoint.configurationProperties()
			.getContexts()
			.values()
			.forEach((beans) -> beans.getBeans()
				.values()
				.forEach((bean) -> text.append(bean.getProperties()).append(bean.getInputs()).append('\n')));
		return text.toString();
	}

	@Test
	void secretKeysInEverySpelling() {
		assertThat(QemuEmbedSecretsSanitizingFunction.isSecretKey("qemu.embed.secrets." + LUKS + ".value")).isTrue();
		assertThat(QemuEmbedSecretsSanitizingFunction.isSecretKey("qemu.embed.secrets[" + LUKS + "].base64")).isTrue();
		assertThat(QemuEmbedSecretsSanitizingFunction.isSecretKey("QEMU_EMBED_SECRETS_ABC_VALUE")).isTrue();
		assertThat(QemuEmbedSecretsSanitizingFunction.isSecretKey("qemu.embed.secrets")).isTrue();
		assertThat(QemuEmbedSecretsSanitizingFunction.isSecretKey("qemu.embed.secondary.secret")).isFalse();
		assertThat(QemuEmbedSecretsSanitizingFunction.isSecretKey("qemu.embed.secretsx.a")).isFalse();
		assertThat(QemuEmbedSecretsSanitizingFunction.isSecretKey(null)).isFalse();
	}

	private static String values(EnvironmentDescriptor descriptor) {
		StringBuilder text = new StringBuilder();
		descriptor.getPropertySources()
			.forEach((source) -> source.getProperties()
				.forEach((key, value) -> text.append(key).append('=').append(value.getValue()).append('\n')));
		return text.toString();
	}

}
