package io.github.qemuembed.it.spring;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.event.DomainLifecycleEvent;
import io.github.qemuembed.autoconfigure.event.DomainStoppedEvent;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.agent.GuestAgentState;
import io.github.qemuembed.testsupport.guest.TestGuest;
import io.github.qemuembed.testsupport.process.QemuRoots;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter's graceful shutdown with a real Linux guest (TCG): closing the context asks
 * the guest to power off through ACPI, the guest does so by itself, and no QEMU process
 * is left.
 */
class GracefulShutdownIT {

	private static final Duration BOOT = Duration.ofSeconds(120);

	private Path root;

	@BeforeEach
	void createRoot() throws Exception {
		this.root = Files.createTempDirectory(Path.of("/tmp"), "qe-it");
	}

	@AfterEach
	void cleanUp() {
		QemuRoots.cleanUp(this.root);
	}

	@Test
	void contextCloseShutsTheGuestDownGracefully() {
		List<DomainLifecycleEvent> events = new CopyOnWriteArrayList<>();
		String xml = TestGuest.standard().domain("guest").type("qemu").toXml();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(QemuEmbedAutoConfiguration.class))
			.withBean("recorder", ApplicationListener.class,
					() -> (ApplicationListener<DomainLifecycleEvent>) events::add)
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.accel=tcg",
					"qemu.embed.shutdown.mode=graceful", "qemu.embed.shutdown.timeout=90s",
					"qemu.embed.domains.guest.inline-xml=" + xml, "qemu.embed.domains.guest.autostart=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Path log = this.root.resolve("log/qemu/guest.log");
				// the guest must be up (its ACPI button handler running) for a graceful
				// power-off
				await().atMost(BOOT).until(() -> Files.readString(log).contains(TestGuest.READY_MARKER));
				assertThat(QemuRoots.qemuUnder(this.root)).hasSize(1);
			});
		assertThat(events).filteredOn(DomainStoppedEvent.class::isInstance)
			.extracting((e) -> ((DomainStoppedEvent) e).getReason())
			.as("the guest powered itself off, it was not forced")
			.containsExactly(StateReason.SHUTOFF_SHUTDOWN);
		assertThat(QemuRoots.qemuUnder(this.root)).isEmpty();
	}

	@Test
	void agentModeShutsDownAGuestThatIgnoresAcpiThroughItsAgent() {
		// without the ACPI button driver the guest ignores the power button: only the
		// agent can power it off
		List<String> modules = new ArrayList<>(TestGuest.DEFAULT_MODULES);
		modules.remove("button");
		TestGuest guest = TestGuest.builder().modules(modules).guestAgent().build();
		String xml = guest.domain("guest").type("qemu").memoryMiB(192).guestAgentChannel().toXml();
		assertThat(stopReasons(xml, "graceful", "12s")).as("ACPI is ignored: graceful has to force it")
			.containsExactly(StateReason.SHUTOFF_DESTROYED);
		assertThat(stopReasons(xml, "agent", "90s")).as("the agent powered it off, nothing was forced")
			.containsExactly(StateReason.SHUTOFF_SHUTDOWN);
		assertThat(QemuRoots.qemuUnder(this.root)).isEmpty();
	}

	/**
	 * Starts the domain in a context with this shutdown mode, waits for its agent, closes
	 * the context.
	 */
	private List<StateReason> stopReasons(String xml, String mode, String timeout) {
		List<DomainLifecycleEvent> events = new CopyOnWriteArrayList<>();
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(QemuEmbedAutoConfiguration.class))
			.withBean("recorder", ApplicationListener.class,
					() -> (ApplicationListener<DomainLifecycleEvent>) events::add)
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.accel=tcg",
					"qemu.embed.shutdown.mode=" + mode, "qemu.embed.shutdown.timeout=" + timeout,
					"qemu.embed.domains.guest.inline-xml=" + xml, "qemu.embed.domains.guest.autostart=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Domain domain = context.getBean(QemuDriver.class).lookup("guest");
				await().atMost(BOOT).until(() -> domain.info().guestAgent() == GuestAgentState.CONNECTED);
			});
		return events.stream()
			.filter(DomainStoppedEvent.class::isInstance)
			.map((e) -> ((DomainStoppedEvent) e).getReason())
			.toList();
	}

}
