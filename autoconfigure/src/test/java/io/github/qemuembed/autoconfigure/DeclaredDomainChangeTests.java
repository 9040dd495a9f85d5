package io.github.qemuembed.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.qemuembed.autoconfigure.event.DeclaredDomainChangedEvent;
import io.github.qemuembed.autoconfigure.event.DeclaredDomainChangedEvent.Outcome;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code qemu.embed.domains.NAME.on-change} with the real driver and real, guest-less
 * QEMU: a context on a persistent root is started twice, the second time with the
 * declared XML changed (or not), with the domain left running by the first
 * ({@code detach}) or only defined.
 */
class DeclaredDomainChangeTests {

	private static final String GUESTLESS = """
			<domain type='kvm'>
			  <name>alpha</name>
			  <memory unit='MiB'>%d</memory>
			  <vcpu>1</vcpu>
			  <os><type arch='x86_64' machine='q35'>hvm</type></os>
			</domain>
			""";

	private final List<DeclaredDomainChangedEvent> events = new CopyOnWriteArrayList<>();

	private ApplicationContextRunner runner;

	private Path root;

	@BeforeEach
	void createRoot() throws IOException {
		this.root = Files.createTempDirectory(Path.of("/tmp"), "qe");
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(QemuEmbedAutoConfiguration.class))
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.shutdown.timeout=2s")
			.withBean("recorder", ApplicationListener.class,
					() -> (ApplicationListener<DeclaredDomainChangedEvent>) this.events::add);
	}

	@AfterEach
	void killLeftovers() throws IOException {
		QemuProcesses.killAll(this.root);
		FileTrees.deleteQuietly(this.root);
	}

	/** The first run: alpha with 64 MiB, left running for the second run to reconnect. */
	private long runDetached() {
		List<Long> pids = new CopyOnWriteArrayList<>();
		this.runner.withPropertyValues(declared(64, true))
			.withPropertyValues("qemu.embed.shutdown.mode=detach")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				pids.add(context.getBean(QemuDriver.class).lookup("alpha").info().pid().getAsLong());
			});
		assertThat(this.events).isEmpty();
		return pids.get(0);
	}

	private String[] declared(int mib, boolean autostart) {
		return new String[] { "qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted(mib),
				"qemu.embed.domains.alpha.autostart=" + autostart };
	}

	private ApplicationContextRunner secondRun(int mib, String onChange) {
		ApplicationContextRunner second = this.runner.withPropertyValues(declared(64, true))
			.withPropertyValues(declared(mib, true))
			.withPropertyValues("qemu.embed.shutdown.mode=destroy", "qemu.embed.startup.leftovers=reconnect");
		return (onChange != null) ? second.withPropertyValues("qemu.embed.domains.alpha.on-change=" + onChange)
				: second;
	}

	private static long memoryMiB(Domain domain) {
		return DomainXml.parse(domain.xml(false)).memoryKiB() / 1024;
	}

	@Test
	void anUnchangedDeclarationLeavesTheRunningDomainAloneWithoutAnEvent() {
		long pid = runDetached();
		secondRun(64, "restart").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(QemuDriver.class).lookup("alpha").info().pid()).hasValue(pid);
		});
		assertThat(this.events).isEmpty();
	}

	@Test
	void byDefaultAChangedDeclarationIsRedefinedAndTheRunningVmKeepsItsOldDefinition() {
		long pid = runDetached();
		try (LogRecords log = LogRecords.capture()) {
			secondRun(96, null).run((context) -> {
				assertThat(context).hasNotFailed();
				Domain alpha = context.getBean(QemuDriver.class).lookup("alpha");
				assertThat(alpha.info().pid()).hasValue(pid);
				assertThat(memoryMiB(alpha)).isEqualTo(64);
				alpha.destroy();
				alpha.start();
				assertThat(memoryMiB(alpha)).isEqualTo(96);
			});
			assertThat(log.text()).contains("The XML of declared domain 'alpha'")
				.contains("redefined it (on-change: redefine); it keeps running on the old definition until its next"
						+ " start");
		}
		assertThat(this.events).singleElement().satisfies((event) -> {
			assertThat(event.getDomainName()).isEqualTo("alpha");
			assertThat(event.getOutcome()).isEqualTo(Outcome.REDEFINED);
			assertThat(event.wasRunning()).isTrue();
		});
	}

	@Test
	void restartRunsTheChangedDeclarationNow() {
		long pid = runDetached();
		ProcessHandle old = ProcessHandle.of(pid).orElseThrow();
		try (LogRecords log = LogRecords.capture()) {
			secondRun(96, "restart").run((context) -> {
				assertThat(context).hasNotFailed();
				Domain alpha = context.getBean(QemuDriver.class).lookup("alpha");
				assertThat(alpha.status().state()).isEqualTo(DomainState.RUNNING);
				assertThat(alpha.info().pid().getAsLong()).isNotEqualTo(pid);
				assertThat(memoryMiB(alpha)).isEqualTo(96);
			});
			assertThat(log.text()).contains("redefined it and restarted it on the declared XML (on-change: restart;");
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> !old.isAlive());
		assertThat(this.events).singleElement()
			.satisfies((event) -> assertThat(event.getOutcome()).isEqualTo(Outcome.RESTARTED));
		assertThat(QemuProcesses.under(this.root)).isEmpty();
	}

	@Test
	void keepLeavesADefinedDomainOnItsOldDefinition() {
		this.runner.withPropertyValues(declared(64, false)).run((context) -> assertThat(context).hasNotFailed());
		try (LogRecords log = LogRecords.capture()) {
			this.runner.withPropertyValues(declared(96, false))
				.withPropertyValues("qemu.embed.domains.alpha.on-change=keep")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					Domain alpha = context.getBean(QemuDriver.class).lookup("alpha");
					assertThat(alpha.status().state()).isEqualTo(DomainState.SHUTOFF);
					assertThat(memoryMiB(alpha)).isEqualTo(64);
				});
			assertThat(log.text()).contains("WARNING The XML of declared domain 'alpha'")
				.contains("differs from its existing definition: kept the existing definition (on-change: keep)");
		}
		assertThat(this.events).singleElement().satisfies((event) -> {
			assertThat(event.getOutcome()).isEqualTo(Outcome.KEPT);
			assertThat(event.wasRunning()).isFalse();
		});
	}

	@Test
	void aDefinedDomainIsRedefinedOnceAndThenUnchanged() {
		this.runner.withPropertyValues(declared(64, false)).run((context) -> assertThat(context).hasNotFailed());
		this.runner.withPropertyValues(declared(96, false)).run((context) -> {
			assertThat(memoryMiB(context.getBean(QemuDriver.class).lookup("alpha"))).isEqualTo(96);
		});
		this.runner.withPropertyValues(declared(96, false)).run((context) -> assertThat(context).hasNotFailed());
		assertThat(this.events).singleElement().satisfies((event) -> {
			assertThat(event.getOutcome()).isEqualTo(Outcome.REDEFINED);
			assertThat(event.wasRunning()).isFalse();
		});
	}

}
