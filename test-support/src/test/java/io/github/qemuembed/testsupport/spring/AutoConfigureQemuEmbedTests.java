package io.github.qemuembed.testsupport.spring;

import java.nio.file.Path;

import io.github.qemuembed.autoconfigure.QemuEmbedRoot;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AutoConfigureQemuEmbed} on a {@code @SpringBootTest}: a private root and the
 * declared test guest.
 */
@SpringBootTest(properties = "qemu.embed.root=/var/lib/not-for-tests")
@AutoConfigureQemuEmbed(guest = "sliced", guestMemoryMiB = 96)
class AutoConfigureQemuEmbedTests {

	@Autowired
	QemuDriver driver;

	@Autowired
	QemuEmbedRoot root;

	@Test
	void theTestGetsAPrivateRootAndTheTestGuest() {
		assertThat(this.root.isTemporary()).isTrue();
		assertThat(this.driver.root()).isEqualTo(this.root.path()).isNotEqualTo(Path.of("/var/lib/not-for-tests"));
		assertThat(this.driver.lookup("sliced").status().state()).isEqualTo(DomainState.RUNNING);
		assertThat(this.driver.lookup("sliced").info().maxMemoryKiB()).isEqualTo(96 * 1024);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
