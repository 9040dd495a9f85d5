package io.github.qemuembed.console;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConsolePathsTests {

	@Test
	void underAPath() {
		ConsolePaths paths = paths("/qemu");
		assertThat(paths.dashboard()).isEqualTo("/qemu/");
		assertThat(paths.events()).isEqualTo("/qemu/events");
		assertThat(paths.consolePattern()).isEqualTo("/qemu/domains/*/console");
		assertThat(paths.owns("/qemu")).isTrue();
		assertThat(paths.owns("/qemu/")).isTrue();
		assertThat(paths.owns("/qemu/domains/web")).isTrue();
		assertThat(paths.owns("/qemu/assets/console.js")).isTrue();
		assertThat(paths.owns("/qemuish")).isFalse();
		assertThat(paths.owns("/actuator/health")).isFalse();
		assertThat(paths.consoleDomain("/qemu/domains/web/console")).isEqualTo("web");
		assertThat(paths.consoleDomain("/qemu/domains/a/b/console")).isNull();
		assertThat(paths.consoleDomain("/qemu/domains//console")).isNull();
		assertThat(paths.consoleDomain("/other/domains/web/console")).isNull();
	}

	@Test
	void atTheRootTheApplicationsOwnPathsStayItsOwn() {
		ConsolePaths paths = paths("/");
		assertThat(paths.base()).isEmpty();
		assertThat(paths.dashboard()).isEqualTo("/");
		assertThat(paths.owns("/")).isTrue();
		assertThat(paths.owns("/events")).isTrue();
		assertThat(paths.owns("/domains/demo")).isTrue();
		assertThat(paths.owns("/vms/demo")).isFalse();
		assertThat(paths.owns("/actuator/qemu")).isFalse();
		assertThat(paths.consoleDomain("/domains/demo/console")).isEqualTo("demo");
	}

	@Test
	void refusesPathsItCannotServeNamingTheKey() {
		for (String bad : new String[] { "", "qemu", "/qemu/", "/q?x", "//", "/a b" }) {
			assertThatThrownBy(() -> paths(bad)).as(bad)
				.isInstanceOfSatisfying(InvalidConsolePropertyException.class,
						(ex) -> assertThat(ex.getKey()).isEqualTo("qemu.embed.console.path"))
				.hasMessageStartingWith("'qemu.embed.console.path': ");
		}
	}

	@Test
	void refusesTooSmallIntervalsAndBuffers() {
		QemuEmbedConsoleProperties properties = new QemuEmbedConsoleProperties();
		properties.getDashboard().setSampleInterval(Duration.ofMillis(10));
		assertThatThrownBy(() -> ConsolePaths.of(properties)).hasMessageContaining("sample-interval")
			.hasMessageContaining("at least 100ms");
		QemuEmbedConsoleProperties buffer = new QemuEmbedConsoleProperties();
		buffer.getTerminal().setClientBuffer(DataSize.ofBytes(10));
		assertThatThrownBy(() -> ConsolePaths.of(buffer)).hasMessageContaining("client-buffer");
	}

	@Test
	void theFailureAnalysisNamesTheKeyToChange() throws IOException {
		InvalidConsolePropertyException failure = catchThrowableOfType(InvalidConsolePropertyException.class,
				() -> paths("qemu"));
		FailureAnalysis analysis = new InvalidConsolePropertyFailureAnalyzer()
			.analyze(new IllegalStateException("context failed", failure));
		assertThat(analysis.getDescription())
			.startsWith("The qemu-embed console cannot start: 'qemu.embed.console.path'");
		assertThat(analysis.getAction()).contains("Change 'qemu.embed.console.path'");
		StringBuilder factories = new StringBuilder();
		for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
			try (InputStream in = url.openStream()) {
				factories.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
			}
		}
		assertThat(factories).contains(InvalidConsolePropertyFailureAnalyzer.class.getName());
	}

	private static ConsolePaths paths(String path) {
		QemuEmbedConsoleProperties properties = new QemuEmbedConsoleProperties();
		properties.setPath(path);
		return ConsolePaths.of(properties);
	}

}
