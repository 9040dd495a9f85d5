package io.github.qemuembed.testsupport.spring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.QemuEmbedRoot;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.testsupport.guest.TestGuest;
import io.github.qemuembed.testsupport.process.QemuRoots;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@link QemuEmbedTestInitializer} with the real auto-configuration and real QEMU. */
class QemuEmbedTestInitializerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QemuEmbedAutoConfiguration.class));

	@Test
	void aPrivateRootReplacesTheConfiguredOneAndIsDeletedOnClose() throws Exception {
		Path configured = Files.createTempDirectory(Path.of("/tmp"), "qe-conf");
		AtomicReference<Path> used = new AtomicReference<>();
		try {
			this.runner.withInitializer(QemuEmbedTestInitializer.withoutGuest())
				.withPropertyValues("qemu.embed.root=" + configured, "qemu.embed.shutdown.mode=graceful")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					QemuEmbedRoot root = context.getBean(QemuEmbedRoot.class);
					assertThat(root.isTemporary()).isTrue();
					assertThat(root.path()).isNotEqualTo(configured);
					assertThat(context.getBean(QemuDriver.class).root()).isEqualTo(root.path());
					assertThat(context.getEnvironment().getProperty("qemu.embed.shutdown.mode")).isEqualTo("destroy");
					used.set(root.path());
				});
			assertThat(used.get()).doesNotExist();
			try (var files = Files.list(configured)) {
				assertThat(files).as("the configured root is left alone").isEmpty();
			}
		}
		finally {
			QemuRoots.cleanUp(configured);
		}
	}

	@Test
	void theTestGuestRunsUnderTcgAndIsDestroyedWithTheContext() {
		AtomicReference<Path> used = new AtomicReference<>();
		this.runner.withInitializer(QemuEmbedTestInitializer.withGuest("vm")).run((context) -> {
			assertThat(context).hasNotFailed();
			Domain vm = context.getBean(QemuDriver.class).lookup("vm");
			assertThat(vm.status().state()).isEqualTo(DomainState.RUNNING);
			assertThat(vm.xml(false)).contains("type='qemu'").contains("<memory unit='KiB'>131072</memory>");
			Path root = context.getBean(QemuEmbedRoot.class).path();
			used.set(root);
			// bounded for a loaded host; ends as soon as the guest's shell is up
			await().atMost(Duration.ofMinutes(3))
				.until(() -> Files.readString(root.resolve("log/qemu/vm.log")).contains(TestGuest.READY_MARKER));
			assertThat(QemuRoots.qemuUnder(root)).hasSize(1);
		});
		assertThat(QemuRoots.qemuUnder(used.get())).isEmpty();
		assertThat(used.get()).doesNotExist();
	}

}
