package io.github.qemuembed.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.qemuembed.autoconfigure.access.PropertiesAccessPolicy;
import io.github.qemuembed.autoconfigure.event.DomainDeviceEvent;
import io.github.qemuembed.autoconfigure.event.DomainLifecycleEvent;
import io.github.qemuembed.autoconfigure.event.DomainRestoredEvent;
import io.github.qemuembed.autoconfigure.event.DomainSavedEvent;
import io.github.qemuembed.autoconfigure.event.DomainSnapshotEvent;
import io.github.qemuembed.autoconfigure.event.DomainStartedEvent;
import io.github.qemuembed.autoconfigure.event.DomainStoppedEvent;
import io.github.qemuembed.driver.DeviceFlag;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The auto-configuration with the real driver and real, guest-less QEMU ({@code q35}, 64
 * MiB, no disk, no kernel): declared domains, the shutdown modes, reconnecting, the
 * access policy with Spring Security, events and the failure analyses of a driver that
 * cannot open.
 */
class QemuEmbedContextTests {

	private static final String GUESTLESS = """
			<domain type='kvm'>
			  <name>%s</name>
			  <memory unit='MiB'>64</memory>
			  <vcpu>1</vcpu>
			  <os><type arch='x86_64' machine='q35'>hvm</type></os>
			</domain>
			""";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QemuEmbedAutoConfiguration.class));

	private Path root;

	@BeforeEach
	void createRoot() throws IOException {
		this.root = Files.createTempDirectory(Path.of("/tmp"), "qe");
	}

	@AfterEach
	void killLeftovers() throws IOException {
		SecurityContextHolder.clearContext();
		QemuProcesses.killAll(this.root);
		FileTrees.deleteQuietly(this.root);
	}

	private String[] twoDomains(String mode) {
		return new String[] { "qemu.embed.root=" + this.root, "qemu.embed.shutdown.mode=" + mode,
				"qemu.embed.shutdown.timeout=3s", "qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"),
				"qemu.embed.domains.alpha.autostart=true",
				"qemu.embed.domains.beta.inline-xml=" + GUESTLESS.formatted("beta"),
				"qemu.embed.domains.beta.autostart=true", "qemu.embed.domains.beta.persistent=false",
				"qemu.embed.domains.gamma.inline-xml=" + GUESTLESS.formatted("gamma") };
	}

	@Test
	void declaredDomainsAutostartAndDestroyModeLeavesNoQemu() {
		List<DomainLifecycleEvent> events = new CopyOnWriteArrayList<>();
		this.runner.withPropertyValues(twoDomains("destroy"))
			.withBean("recorder", ApplicationListener.class,
					() -> (ApplicationListener<DomainLifecycleEvent>) events::add)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				QemuDriver driver = context.getBean(QemuDriver.class);
				assertThat(driver.lookup("alpha").status().state()).isEqualTo(DomainState.RUNNING);
				assertThat(driver.lookup("beta").status().state()).isEqualTo(DomainState.RUNNING);
				assertThat(driver.lookup("beta").isPersistent()).isFalse();
				assertThat(driver.lookup("gamma").status().state()).isEqualTo(DomainState.SHUTOFF);
				assertThat(driver.lookup("gamma").isPersistent()).isTrue();
				assertThat(QemuProcesses.under(this.root)).hasSize(2);
			});
		assertThat(QemuProcesses.under(this.root)).isEmpty();
		// the STOPPED events of the shutdown reach the application before the context is
		// gone
		assertThat(events).filteredOn(DomainStoppedEvent.class::isInstance)
			.extracting(DomainLifecycleEvent::getDomainName, (e) -> ((DomainStoppedEvent) e).getReason())
			.containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("alpha", StateReason.SHUTOFF_DESTROYED),
					org.assertj.core.groups.Tuple.tuple("beta", StateReason.SHUTOFF_DESTROYED));
	}

	@Test
	void gracefulModeForcesOffGuestsThatDoNotPowerOffAndLeavesNoQemu() {
		// a guest-less VM never answers the ACPI power button: this is the forced path
		// within the timeout
		this.runner.withPropertyValues(twoDomains("graceful"))
			.run((context) -> assertThat(QemuProcesses.under(this.root)).hasSize(2));
		assertThat(QemuProcesses.under(this.root)).isEmpty();
	}

	@Test
	void temporaryRootIsDeletedWithTheContext() {
		List<Path> roots = new CopyOnWriteArrayList<>();
		this.runner
			.withPropertyValues("qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"),
					"qemu.embed.domains.alpha.autostart=true", "qemu.embed.shutdown.mode=destroy")
			.run((context) -> {
				Path temporary = context.getBean(QemuDriver.class).root();
				roots.add(temporary);
				assertThat(context.getBean(QemuEmbedRoot.class).isTemporary()).isTrue();
				assertThat(temporary).isDirectory().startsWith(Path.of(System.getProperty("java.io.tmpdir")));
				assertThat(QemuProcesses.under(temporary)).hasSize(1);
			});
		assertThat(roots.get(0)).doesNotExist();
		assertThat(QemuProcesses.under(roots.get(0))).isEmpty();
	}

	@Test
	void detachLeavesVmsRunningAndASecondContextReconnects() {
		List<Long> pids = new CopyOnWriteArrayList<>();
		String[] detached = { "qemu.embed.root=" + this.root, "qemu.embed.shutdown.mode=detach",
				"qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"),
				"qemu.embed.domains.alpha.autostart=true" };
		this.runner.withPropertyValues(detached)
			.run((context) -> pids.add(context.getBean(QemuDriver.class).lookup("alpha").info().pid().getAsLong()));
		ProcessHandle survivor = ProcessHandle.of(pids.get(0)).orElseThrow();
		assertThat(survivor.isAlive()).isTrue();
		// the second run takes the VM over (leftovers: reconnect is the default with
		// detach), then destroys it
		this.runner.withPropertyValues(detached)
			.withPropertyValues("qemu.embed.shutdown.mode=destroy", "qemu.embed.startup.leftovers=reconnect")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Domain alpha = context.getBean(QemuDriver.class).lookup("alpha");
				assertThat(alpha.status().state()).isEqualTo(DomainState.RUNNING);
				assertThat(alpha.info().pid()).hasValue(pids.get(0));
			});
		await().atMost(Duration.ofSeconds(30)).until(() -> !survivor.isAlive());
		assertThat(QemuProcesses.under(this.root)).isEmpty();
	}

	@Test
	void leftoversAreDestroyedByDefaultWhenNotDetaching() {
		List<Long> pids = new CopyOnWriteArrayList<>();
		String[] declared = { "qemu.embed.root=" + this.root,
				"qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"),
				"qemu.embed.domains.alpha.autostart=true" };
		this.runner.withPropertyValues(declared)
			.withPropertyValues("qemu.embed.shutdown.mode=detach")
			.run((context) -> pids.add(context.getBean(QemuDriver.class).lookup("alpha").info().pid().getAsLong()));
		ProcessHandle leftover = ProcessHandle.of(pids.get(0)).orElseThrow();
		// shutdown.mode destroy and startup.leftovers unset: the leftover is destroyed at
		// open, and the
		// declared domain is started afresh
		this.runner.withPropertyValues(declared)
			.withPropertyValues("qemu.embed.shutdown.mode=destroy")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(leftover.isAlive()).isFalse();
				Domain alpha = context.getBean(QemuDriver.class).lookup("alpha");
				assertThat(alpha.status().state()).isEqualTo(DomainState.RUNNING);
				assertThat(alpha.info().pid().getAsLong()).isNotEqualTo(pids.get(0));
			});
		assertThat(QemuProcesses.under(this.root)).isEmpty();
	}

	@Test
	void eventsArePublishedForRealLifecycle() {
		this.runner.withUserConfiguration(Recorder.class)
			.withPropertyValues("qemu.embed.root=" + this.root,
					"qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"))
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				Domain alpha = context.getBean(QemuDriver.class).lookup("alpha");
				alpha.start();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> recorder.events.stream().anyMatch(DomainStartedEvent.class::isInstance));
				alpha.destroy();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> recorder.events.stream().anyMatch(DomainStoppedEvent.class::isInstance));
				DomainStoppedEvent stopped = recorder.events.stream()
					.filter(DomainStoppedEvent.class::isInstance)
					.map(DomainStoppedEvent.class::cast)
					.findFirst()
					.orElseThrow();
				assertThat(stopped.getDomainName()).isEqualTo("alpha");
				assertThat(stopped.getReason()).isEqualTo(StateReason.SHUTOFF_DESTROYED);
			});
	}

	@Test
	void snapshotsSaveRestoreAndDeviceChangesArePublishedAsSpringEvents() {
		this.runner.withUserConfiguration(Recorder.class)
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.shutdown.mode=destroy",
					"qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"))
			.run((context) -> {
				Recorder recorder = context.getBean(Recorder.class);
				QemuDriver driver = context.getBean(QemuDriver.class);
				Domain alpha = driver.lookup("alpha");
				alpha.start();
				alpha.attachDevice("<interface type='user'><mac address='52:54:00:00:00:aa'/></interface>",
						DeviceFlag.CONFIG);
				alpha.createSnapshot("<domainsnapshot><name>s1</name></domainsnapshot>");
				alpha.revertToSnapshot("s1");
				alpha.deleteSnapshot("s1");
				Path file = this.root.resolve("alpha.save");
				alpha.save(file);
				driver.restore(file);
				await().atMost(Duration.ofSeconds(30))
					.until(() -> recorder.events.stream().anyMatch(DomainRestoredEvent.class::isInstance));
				assertThat(recorder.events).filteredOn(DomainSnapshotEvent.class::isInstance)
					.map(DomainSnapshotEvent.class::cast)
					.extracting(DomainSnapshotEvent::getKind, DomainSnapshotEvent::getSnapshotName)
					.containsExactly(org.assertj.core.groups.Tuple.tuple(DomainEventType.SNAPSHOT_CREATED, "s1"),
							org.assertj.core.groups.Tuple.tuple(DomainEventType.SNAPSHOT_REVERTED, "s1"),
							org.assertj.core.groups.Tuple.tuple(DomainEventType.SNAPSHOT_DELETED, "s1"));
				assertThat(recorder.events).filteredOn(DomainDeviceEvent.class::isInstance)
					.singleElement()
					.satisfies((e) -> {
						assertThat(((DomainDeviceEvent) e).isAdded()).isTrue();
						assertThat(e.getDetail()).isEqualTo("interface 52:54:00:00:00:aa (config)");
					});
				assertThat(recorder.events).filteredOn(DomainSavedEvent.class::isInstance)
					.singleElement()
					.satisfies((e) -> assertThat(e.getDetail()).isEqualTo(file.toString()));
				assertThat(recorder.events).filteredOn(DomainRestoredEvent.class::isInstance)
					.singleElement()
					.satisfies((e) -> assertThat(e.getStatus()).hasToString("running/restored"));
				alpha.destroy();
			});
	}

	@Test
	void principalNeedsARuleAndApplicationCallsAreAllowed() {
		this.runner
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.shutdown.mode=destroy",
					"qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"),
					"qemu.embed.domains.alpha.autostart=true",
					"qemu.embed.access.rules[0].permissions=domain.getattr,domain.read",
					"qemu.embed.access.rules[0].roles=VIEWER")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				QemuDriver driver = context.getBean(QemuDriver.class);
				// the application itself: allowed by default
				assertThat(driver.lookup("alpha").status().state()).isEqualTo(DomainState.RUNNING);
				SecurityContextHolder.getContext()
					.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("mallory", "n/a",
							AuthorityUtils.createAuthorityList("ROLE_USER")));
				assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(() -> driver.lookup("alpha"))
					.withMessageContaining("domain.getattr")
					.withMessageContaining("mallory");
				SecurityContextHolder.getContext()
					.setAuthentication(UsernamePasswordAuthenticationToken.authenticated("vera", "n/a",
							AuthorityUtils.createAuthorityList("ROLE_VIEWER")));
				Domain alpha = driver.lookup("alpha");
				assertThat(alpha.status().state()).isEqualTo(DomainState.RUNNING);
				assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(alpha::destroy)
					.withMessageContaining("domain.stop");
				// the context is closed by this thread, still authenticated as 'vera':
				// the shutdown
				// is the application's own call all the same
			});
		assertThat(QemuProcesses.under(this.root)).isEmpty();
	}

	@Test
	void userAccessPolicyReplacesTheProperties() {
		List<String> asked = new CopyOnWriteArrayList<>();
		AccessPolicy mine = (request) -> {
			asked.add(request.permission().libvirtName());
			return !request.permission().libvirtName().equals("domain.start");
		};
		this.runner.withBean(AccessPolicy.class, () -> mine)
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.access.application-calls=deny",
					"qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"))
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(PropertiesAccessPolicy.class);
				QemuDriver driver = context.getBean(QemuDriver.class);
				assertThat(driver.lookup("alpha").name()).isEqualTo("alpha");
				assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(() -> driver.lookup("alpha").start());
				assertThat(asked).contains("domain.getattr", "domain.start");
			});
	}

	@Test
	void rootLockedByAnotherDriverFailsWithAnalysis() {
		try (QemuDriver other = QemuDriver
			.open(DriverConfig.builder(this.root).accessPolicy(AccessPolicy.allowAll()).build())) {
			this.runner.withPropertyValues("qemu.embed.root=" + this.root).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
					.contains("The qemu-embed root directory " + this.root + " is locked by process "
							+ ProcessHandle.current().pid())
					.contains("set 'qemu.embed.root' to another directory");
			});
		}
	}

	@Test
	void missingEmulatorFailsWithAnalysis() {
		this.runner
			.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.emulator=/nonexistent/qemu-system-x86_64")
			.run((context) -> assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
				.contains("The QEMU emulator could not be used")
				.contains("/nonexistent/qemu-system-x86_64")
				.contains("set 'qemu.embed.emulator' to the path of a working qemu-system binary"));
	}

	@Test
	void rootTooLongForSocketPathsFailsWithAnalysis() {
		Path deep = this.root.resolve("x".repeat(60));
		this.runner.withPropertyValues("qemu.embed.root=" + deep)
			.run((context) -> assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
				.contains("The qemu-embed root directory " + deep + " cannot be used")
				.contains("too long")
				.contains("Set 'qemu.embed.root' to a shorter path"));
	}

	@Test
	void invalidDeclaredXmlFailsWithAnalysisNamingDomainAndPath() {
		String bad = GUESTLESS.formatted("alpha").replace("<vcpu>1</vcpu>", "<vcpu>1</vcpu><blinkenlights/>");
		this.runner.withPropertyValues("qemu.embed.root=" + this.root, "qemu.embed.domains.alpha.inline-xml=" + bad)
			.run((context) -> assertThat(FailureAnalysisSupport.text(context.getStartupFailure())).contains(
					"The XML of declared domain 'alpha' (qemu.embed.domains.alpha.inline-xml) is invalid at /domain/blinkenlights"));
	}

	@Test
	void failedAutostartFailsTheContextAndLeavesNoQemu() {
		String broken = GUESTLESS.formatted("broken")
			.replace("</os>", "</os><devices><disk type='file' device='disk'><source file='" + this.root
					+ "/missing.img'/><target dev='vda' bus='virtio'/></disk></devices>");
		this.runner
			.withPropertyValues("qemu.embed.root=" + this.root,
					"qemu.embed.domains.alpha.inline-xml=" + GUESTLESS.formatted("alpha"),
					"qemu.embed.domains.alpha.autostart=true", "qemu.embed.domains.broken.inline-xml=" + broken,
					"qemu.embed.domains.broken.autostart=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
					.contains("Declared domain 'broken' (qemu.embed.domains.broken.inline-xml) could not be started")
					.contains("missing.img");
			});
		assertThat(QemuProcesses.under(this.root)).isEmpty();
	}

	@Configuration(proxyBeanMethods = false)
	static class Recorder implements ApplicationListener<DomainLifecycleEvent> {

		final List<DomainLifecycleEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(DomainLifecycleEvent event) {
			this.events.add(event);
		}

	}

}
