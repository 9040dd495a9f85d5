package io.github.qemuembed.driver.internal.xml;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.error.InvalidConfigurationException;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class DomainNamesTests {

	@Test
	void acceptsOrdinaryNames() {
		assertThatNoException().isThrownBy(() -> DomainNames.validate("web-01.example_vm"));
		assertThatNoException().isThrownBy(() -> DomainNames.validate("ünïcödé name"));
	}

	@Test
	void refusesLibvirtsForbiddenNames() {
		for (String name : new String[] { "", "a/b", ".hidden", "line\nbreak", "x".repeat(201) }) {
			assertThatExceptionOfType(InvalidConfigurationException.class).isThrownBy(() -> DomainNames.validate(name))
				.satisfies((ex) -> org.assertj.core.api.Assertions.assertThat(ex.path()).isEqualTo("/domain/name"));
		}
	}

	@Test
	void socketPathCheckNamesTheRootAndTheLimits() {
		Path root = Path.of("/tmp/qe-root");
		assertThatNoException().isThrownBy(() -> DomainNames.checkSocketPathFits(root, "x".repeat(40)));
		// /tmp/qe-root/lib/qemu/domain-2147483647-NAME/channel99.sock: 55 bytes + the
		// name
		assertThatNoException().isThrownBy(() -> DomainNames.checkSocketPathFits(root, "x".repeat(52)));
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainNames.checkSocketPathFits(root, "x".repeat(53)))
			.withMessageContaining("/tmp/qe-root")
			.withMessageContaining("at most 52 bytes")
			.withMessageContaining("root of at most 11 bytes");
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> DomainNames.checkSocketPathFits(Path.of("/" + "r".repeat(100)), "vm"));
	}

}
