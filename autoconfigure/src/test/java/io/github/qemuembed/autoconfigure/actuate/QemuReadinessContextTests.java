package io.github.qemuembed.autoconfigure.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.QemuProcesses;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link QemuReadinessHealthIndicator} with the real driver and guest-less QEMU: ready
 * when the declared domains run; not ready before they are defined, after a stop and
 * after QEMU dies.
 */
class QemuReadinessContextTests {

	private static final String GUESTLESS = "<domain type='qemu'><name>%s</name><memory unit='MiB'>32</memory>"
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

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(QemuEmbedAutoConfiguration.class, QemuEmbedActuatorAutoConfiguration.class))
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.shutdown.mode=destroy",
					"qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"),
					"qemu.embed.domains.alpha.autostart=true",
					"qemu.embed.domains.beta.inline-xml=" + GUESTLESS.formatted("beta"),
					"qemu.embed.domains.beta.autostart=false");
	}

	@Test
	void readyWhileEveryAutostartDomainRunsNotReadyWhenOneIsStoppedOrDies() {
		runner().run((context) -> {
			QemuReadinessHealthIndicator readiness = context.getBean("qemuReadinessHealthIndicator",
					QemuReadinessHealthIndicator.class);
			Health ready = readiness.health(true);
			assertThat(ready.getStatus()).isEqualTo(Status.UP);
			// beta is declared but not started with the application: it does not count
			assertThat(ready.getDetails()).containsEntry("declared", List.of("alpha"));

			QemuDriver driver = context.getBean(QemuDriver.class);
			Domain alpha = driver.lookup("alpha");
			alpha.destroy();
			Health stopped = readiness.health(true);
			assertThat(stopped.getStatus()).isEqualTo(QemuReadinessHealthIndicator.NOT_READY);
			assertThat(stopped.getDetails()).containsEntry("notRunning", Map.of("alpha", "shutoff (destroyed)"));

			alpha.start();
			assertThat(readiness.health(true).getStatus()).isEqualTo(Status.UP);
			// QEMU killed from outside (as the OOM killer would): a crash, not a stop
			long pid = alpha.info().pid().orElseThrow();
			ProcessHandle.of(pid).orElseThrow().destroyForcibly();
			await().atMost(Duration.ofSeconds(30)).until(() -> alpha.status().state() != DomainState.RUNNING);
			Health crashed = readiness.health(true);
			assertThat(crashed.getStatus()).isEqualTo(QemuReadinessHealthIndicator.NOT_READY);
			assertThat(crashed.getDetails()).containsEntry("notRunning", Map.of("alpha", "shutoff (crashed)"));
			// the qemu contributor says when and why (a SIGKILL by someone else: no OOM
			// kill claimed)
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(
						context.getBean("qemuHealthIndicator", QemuHealthIndicator.class).health(true).getDetails())
					.containsEntry("crashReasons", Map.of("alpha", "killed by signal 9"))
					.containsKey("crashed"));
		});
	}

	@Test
	void notReadyWhileADeclaredDomainIsNotDefinedYet() {
		runner().run((context) -> {
			QemuReadinessHealthIndicator readiness = new QemuReadinessHealthIndicator(
					context.getBean("qemuEmbedApplicationSnapshots", DomainSnapshots.class), List.of("alpha", "gamma"));
			Health health = readiness.health(true);
			assertThat(health.getStatus()).isEqualTo(QemuReadinessHealthIndicator.NOT_READY);
			assertThat(health.getDetails()).containsEntry("notRunning", Map.of("gamma", "not defined yet"));
		});
	}

	@Test
	void canBeDisabledWithTheQemuHealthContributor() {
		runner().withPropertyValues("management.health.qemu.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("qemuReadinessHealthIndicator"));
	}

}
