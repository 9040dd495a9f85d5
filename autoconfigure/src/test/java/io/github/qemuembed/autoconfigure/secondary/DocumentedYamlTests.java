package io.github.qemuembed.autoconfigure.secondary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.github.qemuembed.autoconfigure.QemuEmbedRoot;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code application.yml} example of {@code docs/secondary-drivers.md} and the
 * secondary drivers section of {@code docs/spring-boot.md} binds and configures the
 * drivers it shows (the daemons are not reached: remote drivers connect lazily).
 */
class DocumentedYamlTests {

	private static final Pattern YAML_BLOCK = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);

	private Path root;

	@BeforeEach
	void root() throws IOException {
		this.root = Files.createTempDirectory(Path.of("/tmp"), "qe");
	}

	@AfterEach
	void deleteRoot() throws IOException {
		FileTrees.deleteQuietly(this.root);
	}

	static Stream<String> examples() throws IOException {
		List<String> examples = new ArrayList<>();
		for (String doc : List.of("secondary-drivers.md", "spring-boot.md")) {
			Matcher matcher = YAML_BLOCK.matcher(Files.readString(Path.of("..", "docs", doc)));
			while (matcher.find()) {
				if (matcher.group(1).contains("secondary:") || matcher.group(1).contains("secrets:")) {
					examples.add(matcher.group(1));
				}
			}
		}
		assertThat(examples).hasSizeGreaterThanOrEqualTo(7);
		return examples.stream();
	}

	@ParameterizedTest
	@MethodSource("examples")
	void exampleConfiguresTheDriversItShows(String yaml) throws IOException {
		List<PropertySource<?>> sources = new YamlPropertySourceLoader().load("example",
				new ByteArrayResource(yaml.getBytes()));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(QemuEmbedSecondaryAutoConfiguration.class))
			.withBean(QemuEmbedRoot.class, () -> QemuEmbedRoot.persistent(this.root))
			.withBean(AccessPolicy.class, AccessPolicy::allowAll)
			.withPropertyValues("LUKS_PASSPHRASE=example")
			.withInitializer((context) -> sources.forEach(context.getEnvironment().getPropertySources()::addLast))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				QemuEmbedSecondaryDrivers drivers = context.getBean(QemuEmbedSecondaryDrivers.class);
				for (String kind : List.of("network", "storage", "secret")) {
					if (yaml.contains("\n      " + kind + ":")) {
						assertThat(drivers.configured()).containsKey(kind);
					}
				}
				if (yaml.contains("secrets:")) {
					assertThat(drivers.secret()).isPresent();
					assertThat(drivers.secret().get().endpoint()).startsWith("properties");
				}
			});
	}

}
