package io.github.qemuembed.autoconfigure.actuate;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.QemuProcesses;
import io.github.qemuembed.autoconfigure.observation.DefaultDomainOperationObservationConvention;
import io.github.qemuembed.autoconfigure.observation.DomainOperationContext;
import io.github.qemuembed.autoconfigure.observation.DomainOperationObservationConvention;
import io.github.qemuembed.autoconfigure.observation.QemuEmbedObservationAutoConfiguration;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link QemuMetrics} with the real driver and guest-less QEMU: values, crashes, removal.
 */
class QemuMetricsContextTests {

	private static final String GUESTLESS = "<domain type='kvm'><name>%s</name><memory unit='MiB'>64</memory>"
			+ "<vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>";

	private Path root;

	@BeforeEach
	void createRoot() throws Exception {
		this.root = Files.createTempDirectory(Path.of("/tmp"), "qe");
	}

	@AfterEach
	void cleanUp() throws Exception {
		QemuProcesses.killAll(this.root);
		FileTrees.deleteQuietly(this.root);
	}

	@Test
	void blockStatisticsAndOperationTimersFollowTheDomains() throws Exception {
		Path disk = this.root.resolve("disk.raw");
		try (var file = new RandomAccessFile(disk.toFile(), "rw")) {
			file.setLength(1024 * 1024);
		}
		String withDisk = GUESTLESS.formatted("gamma")
			.replace("</os>", "</os><devices><disk type='file' device='disk'><driver name='qemu' type='raw'/>"
					+ "<source file='" + disk + "'/><target dev='vda' bus='virtio'/></disk></devices>");
		// Boot's observation and metrics auto-configurations: the operation timers come
		// from the Observations,
		// here with the convention docs/spring-boot.md shows for putting the domain's
		// name back on them
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, MetricsAutoConfiguration.class,
					QemuEmbedAutoConfiguration.class, QemuEmbedObservationAutoConfiguration.class,
					QemuEmbedActuatorAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(DomainOperationObservationConvention.class, DomainTaggedOperations::new)
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.shutdown.mode=destroy",
					"qemu.embed.domains.gamma.inline-xml=" + withDisk, "qemu.embed.domains.gamma.autostart=true")
			.run((context) -> {
				// bound to it by Boot
				SimpleMeterRegistry registry = context.getBean(SimpleMeterRegistry.class);
				// SeaBIOS reads the disk's first sector looking for something to boot
				await().atMost(Duration.ofSeconds(30))
					.until(() -> registry.find("qemu.domain.block.read.bytes")
						.tags("domain", "gamma", "device", "vda")
						.functionCounter() != null
							&& registry.get("qemu.domain.block.read.bytes")
								.tags("domain", "gamma", "device", "vda")
								.functionCounter()
								.count() > 0);
				assertThat(registry.get("qemu.domain.block.read.ops")
					.tags("domain", "gamma", "device", "vda")
					.functionCounter()
					.count()).isPositive();
				assertThat(registry.get("qemu.domain.block.write.ops")
					.tags("domain", "gamma", "device", "vda")
					.functionCounter()).isNotNull();
				assertThat(registry.get("qemu.domain.statistics.stale").tag("domain", "gamma").gauge().value())
					.isZero();
				QemuDriver driver = context.getBean(QemuDriver.class);
				Domain gamma = driver.lookup("gamma");
				gamma.destroy();
				gamma.start();
				assertThatExceptionOfType(InvalidOperationException.class).isThrownBy(gamma::start);
				assertThat(registry.get("qemu.domain.operations")
					.tags("domain", "gamma", "operation", "destroy", "outcome", "success", "exception", "none")
					.timer()
					.count()).isEqualTo(1);
				// the declared domain's autostart, which Boot's registry sees too, and
				// the start above
				assertThat(registry.get("qemu.domain.operations")
					.tags("domain", "gamma", "operation", "start", "outcome", "success")
					.timer()
					.count()).isEqualTo(2);
				assertThat(registry.get("qemu.domain.operations")
					.tags("domain", "gamma", "operation", "start", "outcome", "failure", "exception",
							"InvalidOperationException")
					.timer()
					.count()).isEqualTo(1);
				gamma.destroy();
				gamma.undefine();
				// as a scrape does: reading the domain count refreshes the domain meters
				// (a timer the undefine's
				// observation recorded after the undefined event is removed then)
				await().atMost(Duration.ofSeconds(30))
					.until(() -> registry.get("qemu.domains").tag("state", "shutoff").gauge().value() >= 0
							&& registry.find("qemu.domain.operations").tag("domain", "gamma").timers().isEmpty()
							&& registry.find("qemu.domain.block.read.bytes")
								.tag("domain", "gamma")
								.functionCounter() == null
							&& registry.find("qemu.domain.statistics.stale").tag("domain", "gamma").gauge() == null);
			});
	}

	/** The domain's name on the operation timers, as docs/spring-boot.md shows. */
	static class DomainTaggedOperations extends DefaultDomainOperationObservationConvention {

		@Override
		public KeyValues getLowCardinalityKeyValues(DomainOperationContext context) {
			return super.getLowCardinalityKeyValues(context).and("domain", context.getDomain());
		}

	}

	@Test
	void metersFollowTheDomains() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(QemuEmbedAutoConfiguration.class, QemuEmbedActuatorAutoConfiguration.class))
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.shutdown.mode=destroy",
					"qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"),
					"qemu.embed.domains.alpha.autostart=true")
			.run((context) -> {
				SimpleMeterRegistry registry = new SimpleMeterRegistry();
				context.getBean(QemuMetrics.class).bindTo(registry);
				assertThat(registry.get("qemu.domains").tag("state", "running").gauge().value()).isEqualTo(1.0);
				assertThat(registry.get("qemu.domain.memory.resident").tag("domain", "alpha").gauge().value())
					.isPositive();
				QemuDriver driver = context.getBean(QemuDriver.class);
				Domain alpha = driver.lookup("alpha");
				ProcessHandle.of(alpha.info().pid().getAsLong()).orElseThrow().destroyForcibly();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> registry.get("qemu.domain.crashes").tag("domain", "alpha").counter().count() == 1.0);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> registry.get("qemu.domains").tag("state", "shutoff").gauge().value() == 1.0);
				Domain beta = driver.define(GUESTLESS.formatted("beta"));
				await().atMost(Duration.ofSeconds(30))
					.until(() -> registry.find("qemu.domain.crashes").tag("domain", "beta").counter() != null);
				beta.undefine();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> registry.find("qemu.domain.memory.resident").tag("domain", "beta").gauge() == null
							&& registry.find("qemu.domain.crashes").tag("domain", "beta").counter() == null);
				assertThat(registry.find("qemu.domain.crashes").tag("domain", "alpha").counter()).isNotNull();
			});
	}

}
