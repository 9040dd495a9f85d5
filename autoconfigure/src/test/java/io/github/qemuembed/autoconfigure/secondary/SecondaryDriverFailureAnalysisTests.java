package io.github.qemuembed.autoconfigure.secondary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.github.qemuembed.autoconfigure.FailureAnalysisSupport;
import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Declared domains that need a secondary driver, with the real driver (opened on a
 * temporary root; no VM gets as far as launching QEMU): the startup failure's analysis
 * names the element, the driver and the {@code qemu.embed.secondary.*} key.
 */
class SecondaryDriverFailureAnalysisTests {

	private static final String NIC_DOMAIN = "<domain type='kvm'><name>web</name><memory unit='MiB'>64</memory>"
			+ "<os><type arch='x86_64' machine='q35'>hvm</type></os><devices><interface type='network'>"
			+ "<source network='default'/><model type='virtio'/></interface></devices></domain>";

	private static final String VOLUME_DOMAIN = "<domain type='kvm'><name>db</name><memory unit='MiB'>64</memory>"
			+ "<os><type arch='x86_64' machine='q35'>hvm</type></os><devices><disk type='volume' device='disk'>"
			+ "<driver name='qemu' type='qcow2'/><source pool='p' volume='v.qcow2'/><target dev='vda' bus='virtio'/>"
			+ "</disk></devices></domain>";

	private Path root;

	private ApplicationContextRunner runner;

	@BeforeEach
	void runner() throws IOException {
		this.root = Files.createTempDirectory(Path.of("/tmp"), "qe");
		this.runner = new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(QemuEmbedSecondaryAutoConfiguration.class, QemuEmbedAutoConfiguration.class))
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.shutdown.mode=destroy");
	}

	@AfterEach
	void deleteRoot() throws IOException {
		try (var paths = Files.walk(this.root)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> p.toFile().delete());
		}
	}

	@Test
	void declaredDomainWithANetworkNicAndNoNetworkDriver() {
		this.runner.withPropertyValues("qemu.embed.domains.web.inline-xml=" + NIC_DOMAIN).run((context) -> {
			assertThat(context).hasFailed();
			FailureAnalysis analysis = FailureAnalysisSupport.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Declared domain 'web'")
				.contains("<interface type='network'>")
				.contains("/domain/devices/interface[1]")
				.contains("network driver");
			assertThat(analysis.getAction()).startsWith("Set 'qemu.embed.secondary.network' to the libvirt daemon")
				.contains("network:///system")
				.contains("qemu.embed.domains.web");
		});
	}

	@Test
	void declaredDomainWithAVolumeDefinesOnceAStorageDriverIsSet() {
		this.runner
			.withPropertyValues("qemu.embed.domains.db.inline-xml=" + VOLUME_DOMAIN,
					"qemu.embed.secondary.storage=storage:///system?socket=" + this.root.resolve("none-sock"))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void autostartWithAnUnreachableStorageDaemon() {
		Path socket = this.root.resolve("none-sock");
		this.runner
			.withPropertyValues("qemu.embed.domains.db.inline-xml=" + VOLUME_DOMAIN,
					"qemu.embed.domains.db.autostart=true",
					"qemu.embed.secondary.storage=storage:///system?socket=" + socket)
			.run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = FailureAnalysisSupport.analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("Declared domain 'db'")
					.contains("<disk type='volume'>")
					.contains("storage driver")
					.contains(socket.toString())
					.contains("qemu.embed.secondary.storage");
				assertThat(analysis.getAction()).startsWith("Set 'qemu.embed.secondary.storage'")
					.contains("reachable from this host");
			});
	}

}
