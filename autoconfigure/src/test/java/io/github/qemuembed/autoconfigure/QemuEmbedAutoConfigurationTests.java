package io.github.qemuembed.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.qemuembed.autoconfigure.access.HttpCallerSupplier;
import io.github.qemuembed.autoconfigure.event.DomainCrashedEvent;
import io.github.qemuembed.autoconfigure.event.DomainEventPublisher;
import io.github.qemuembed.autoconfigure.event.DomainLifecycleEvent;
import io.github.qemuembed.autoconfigure.event.DomainStartedEvent;
import io.github.qemuembed.autoconfigure.event.DomainStoppedEvent;
import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.LeftoverPolicy;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.core.context.SecurityContextHolder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring tests of {@link QemuEmbedAutoConfiguration}: conditions, back-off, property
 * binding and failure analysis. Contexts that need a driver get a
 * {@link WiringTestDriver} (no QEMU); the driver itself is exercised against real QEMU in
 * the context tests that open it.
 */
class QemuEmbedAutoConfigurationTests {

	private static final String WEB_XML = "<domain type='qemu'><name>web</name></domain>";

	private static final String DB_XML = "<domain type='qemu'><name>db</name></domain>";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(QemuEmbedAutoConfiguration.class));

	private final ApplicationContextRunner withTestDriver = this.runner.withBean(QemuDriver.class,
			WiringTestDriver::new);

	@Test
	void backsOffWhenDisabled() {
		this.withTestDriver.withPropertyValues("qemu.embed.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(QemuEmbedLifecycle.class)
				.doesNotHaveBean(QemuEmbedProperties.class)
				.doesNotHaveBean(AccessPolicy.class));
	}

	@Test
	void backsOffWithoutTheDriverOnTheClasspath() {
		this.runner.withClassLoader(new FilteredClassLoader(QemuDriver.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(QemuEmbedLifecycle.class)
				.doesNotHaveBean(QemuEmbedProperties.class));
	}

	@Test
	void userDriverReplacesDriverRootAndPolicyButKeepsLifecycleAndEvents() {
		this.withTestDriver.run((context) -> assertThat(context).hasNotFailed()
			.hasSingleBean(QemuDriver.class)
			.doesNotHaveBean(QemuEmbedRoot.class)
			.doesNotHaveBean(AccessPolicy.class)
			.hasSingleBean(QemuEmbedLifecycle.class)
			.hasSingleBean(DomainEventPublisher.class)
			.getBean(QemuDriver.class)
			.isInstanceOf(WiringTestDriver.class));
	}

	@Test
	void userLifecycleAndPublisherReplaceOurs() {
		this.withTestDriver
			.withBean("myLifecycle", QemuEmbedLifecycle.class,
					() -> new QemuEmbedLifecycle(new WiringTestDriver(), List.of(),
							QemuEmbedProperties.ShutdownMode.DESTROY, Duration.ofSeconds(1), Duration.ofSeconds(1)))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(QemuEmbedLifecycle.class)
				.hasBean("myLifecycle"));
	}

	@Test
	void theCallerComesFromSpringSecurityOrTheWebRequest() {
		this.withTestDriver
			.run((context) -> assertThat(context).getBean(CallerSupplier.class).isInstanceOf(HttpCallerSupplier.class));
	}

	@Test
	void withoutSpringSecurityWebRequestsAreStillTold() {
		this.withTestDriver.withClassLoader(new FilteredClassLoader(SecurityContextHolder.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.getBean(CallerSupplier.class)
				.isInstanceOf(HttpCallerSupplier.class));
	}

	@Test
	void userCallerSupplierReplacesTheStarterOne() {
		CallerSupplier mine = Optional::empty;
		this.withTestDriver.withBean(CallerSupplier.class, () -> mine)
			.run((context) -> assertThat(context).getBean(CallerSupplier.class).isSameAs(mine));
	}

	@Test
	void propertiesBind() {
		this.withTestDriver
			.withPropertyValues("qemu.embed.root=/tmp/qe-r", "qemu.embed.emulator=/opt/qemu/bin/qemu-system-x86_64",
					"qemu.embed.accel=tcg", "qemu.embed.qmp-timeout=3s", "qemu.embed.start-timeout=1m",
					"qemu.embed.destroy-grace-period=500ms", "qemu.embed.shutdown.mode=destroy",
					"qemu.embed.shutdown.timeout=7s", "qemu.embed.startup.leftovers=reconnect",
					"qemu.embed.access.application-calls=rules",
					"qemu.embed.access.rules[0].permissions=domain.*,connect.getattr",
					"qemu.embed.access.rules[0].roles=ADMIN", "qemu.embed.access.rules[0].decision=deny",
					"qemu.embed.domains.web.inline-xml=" + WEB_XML, "qemu.embed.domains.web.autostart=true",
					"qemu.embed.domains.web.persistent=false")
			.run((context) -> {
				QemuEmbedProperties properties = context.getBean(QemuEmbedProperties.class);
				assertThat(properties.getRoot()).hasToString("/tmp/qe-r");
				assertThat(properties.getEmulator()).hasToString("/opt/qemu/bin/qemu-system-x86_64");
				assertThat(properties.getAccel()).isEqualTo(Accel.TCG);
				assertThat(properties.getQmpTimeout()).hasSeconds(3);
				assertThat(properties.getStartTimeout()).hasMinutes(1);
				assertThat(properties.getDestroyGracePeriod()).hasMillis(500);
				assertThat(properties.getShutdown().getMode()).isEqualTo(QemuEmbedProperties.ShutdownMode.DESTROY);
				assertThat(properties.getShutdown().getTimeout()).hasSeconds(7);
				assertThat(properties.getStartup().getLeftovers()).isEqualTo(LeftoverPolicy.RECONNECT);
				assertThat(properties.getAccess().getApplicationCalls())
					.isEqualTo(QemuEmbedProperties.ApplicationCalls.RULES);
				QemuEmbedProperties.Rule rule = properties.getAccess().getRules().get(0);
				assertThat(rule.getPermissions()).containsExactly("domain.*", "connect.getattr");
				assertThat(rule.getRoles()).containsExactly("ADMIN");
				assertThat(rule.getDomains()).containsExactly("*");
				assertThat(rule.getDecision()).isEqualTo(QemuEmbedProperties.Decision.DENY);
				QemuEmbedProperties.DeclaredDomain web = properties.getDomains().get("web");
				assertThat(web.getInlineXml()).isEqualTo(WEB_XML);
				assertThat(web.isAutostart()).isTrue();
				assertThat(web.isPersistent()).isFalse();
			});
	}

	@Test
	void defaults() {
		this.withTestDriver.run((context) -> {
			QemuEmbedProperties properties = context.getBean(QemuEmbedProperties.class);
			assertThat(properties.getRoot()).isNull();
			assertThat(properties.getEmulator()).isNull();
			assertThat(properties.getAccel()).isEqualTo(Accel.AUTO);
			assertThat(properties.getShutdown().getMode()).isEqualTo(QemuEmbedProperties.ShutdownMode.GRACEFUL);
			assertThat(properties.getShutdown().getTimeout()).hasSeconds(30);
			assertThat(properties.getStartup().getLeftovers()).isNull();
			assertThat(properties.getAccess().getApplicationCalls())
				.isEqualTo(QemuEmbedProperties.ApplicationCalls.ALLOW);
			assertThat(properties.getDomains()).isEmpty();
		});
	}

	@Test
	void declaredDomainsFromClasspathResourceAreDefinedAndAutostartOnesStarted() {
		this.withTestDriver
			.withPropertyValues("qemu.embed.domains.web.xml=classpath:wiring/web.xml",
					"qemu.embed.domains.web.autostart=true", "qemu.embed.domains.db.inline-xml=" + DB_XML)
			.run((context) -> {
				WiringTestDriver driver = context.getBean(WiringTestDriver.class);
				assertThat(driver.calls).containsExactly("define web", "define db", "start web");
				assertThat(driver.domains.get("web").running).isTrue();
				assertThat(driver.domains.get("db").running).isFalse();
			});
	}

	@Test
	void transientDeclaredDomainIsCreatedNotDefined() {
		this.withTestDriver
			.withPropertyValues("qemu.embed.domains.web.inline-xml=" + WEB_XML, "qemu.embed.domains.web.autostart=true",
					"qemu.embed.domains.web.persistent=false")
			.run((context) -> assertThat(context.getBean(WiringTestDriver.class).calls)
				.containsExactly("createTransient web", "start web"));
	}

	@Test
	void gracefulModeShutsEveryRunningDomainDownBeforeTheDriverCloses() {
		WiringTestDriver driver = runAndClose("qemu.embed.shutdown.mode=graceful");
		assertThat(driver.calls).containsSubsequence("start web", "shutdown web", "close")
			.containsSubsequence("start db", "shutdown db", "close")
			.doesNotContain("destroy web", "destroy db");
	}

	@Test
	void destroyModeDestroysEveryRunningDomainBeforeTheDriverCloses() {
		WiringTestDriver driver = runAndClose("qemu.embed.shutdown.mode=destroy");
		assertThat(driver.calls).containsSubsequence("start web", "destroy web", "close")
			.containsSubsequence("start db", "destroy db", "close")
			.doesNotContain("shutdown web", "shutdown db");
	}

	@Test
	void detachModeLeavesDomainsRunning() {
		WiringTestDriver driver = runAndClose("qemu.embed.shutdown.mode=detach");
		assertThat(driver.calls).endsWith("close").doesNotContain("shutdown web", "destroy web", "destroy db");
		assertThat(driver.domains.get("web").running).isTrue();
	}

	private WiringTestDriver runAndClose(String modeProperty) {
		List<WiringTestDriver> driver = new ArrayList<>();
		this.withTestDriver
			.withPropertyValues(modeProperty, "qemu.embed.shutdown.timeout=5s",
					"qemu.embed.domains.web.inline-xml=" + WEB_XML, "qemu.embed.domains.web.autostart=true",
					"qemu.embed.domains.db.inline-xml=" + DB_XML, "qemu.embed.domains.db.autostart=true")
			.run((context) -> driver.add(context.getBean(WiringTestDriver.class)));
		return driver.get(0);
	}

	@Test
	void failedAutostartFailsTheContextAndStopsWhatItStarted() {
		WiringTestDriver driver = new WiringTestDriver();
		driver.failStartOf = "db";
		this.runner.withBean(QemuDriver.class, () -> driver)
			.withPropertyValues("qemu.embed.domains.web.inline-xml=" + WEB_XML, "qemu.embed.domains.web.autostart=true",
					"qemu.embed.domains.db.inline-xml=" + DB_XML, "qemu.embed.domains.db.autostart=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("QEMU exited while starting domain 'db'");
				assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
					.contains("Declared domain 'db' (qemu.embed.domains.db.inline-xml) could not be started")
					.contains("QEMU exited while starting domain 'db'")
					.contains("qemu.embed.domains.db.autostart");
			});
		assertThat(driver.calls).containsSubsequence("start web", "destroy web");
		assertThat(driver.domains.get("web").running).isFalse();
		assertThat(driver.calls).endsWith("close");
	}

	@Test
	void domainEventsArePublishedAsApplicationEvents() {
		this.withTestDriver.withUserConfiguration(EventRecorder.class).run((context) -> {
			WiringTestDriver driver = context.getBean(WiringTestDriver.class);
			driver.fire(DomainEventType.STARTED, "web", StateReason.RUNNING_BOOTED);
			driver.fire(DomainEventType.CRASHED, "web", StateReason.SHUTOFF_CRASHED);
			driver.fire(DomainEventType.STOPPED, "web", StateReason.SHUTOFF_CRASHED);
			List<DomainLifecycleEvent> events = context.getBean(EventRecorder.class).events;
			assertThat(events).hasSize(3);
			assertThat(events.get(0)).isInstanceOf(DomainStartedEvent.class);
			assertThat(events.get(1)).isInstanceOf(DomainCrashedEvent.class);
			assertThat(events.get(2)).isInstanceOfSatisfying(DomainStoppedEvent.class, (stopped) -> {
				assertThat(stopped.getReason()).isEqualTo(StateReason.SHUTOFF_CRASHED);
				assertThat(stopped.getDomainName()).isEqualTo("web");
				assertThat(stopped.getDriver()).isSameAs(driver);
			});
		});
	}

	@Test
	void eventListenerIsRemovedWhenTheContextCloses() {
		WiringTestDriver driver = new WiringTestDriver();
		this.runner.withBean(QemuDriver.class, () -> driver).run((context) -> assertThat(driver.listeners).hasSize(1));
		assertThat(driver.listeners).isEmpty();
	}

	@Test
	void detachWithoutRootFailsWithAnalysis() {
		this.runner.withPropertyValues("qemu.embed.shutdown.mode=detach").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
				.contains("'qemu.embed.shutdown.mode' is 'detach' but 'qemu.embed.root' is not set")
				.contains("Set 'qemu.embed.root' to a directory that persists across restarts");
		});
	}

	@Test
	void unknownPermissionFailsWithAnalysis() {
		this.runner.withPropertyValues("qemu.embed.access.rules[0].permissions=domain.strat").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
				.contains("Invalid value 'domain.strat' for configuration property "
						+ "'qemu.embed.access.rules[0].permissions'")
				.contains("Unknown permission; use libvirt's names such as domain.start");
		});
	}

	@Test
	void unknownShutdownModeFailsWithAnalysis() {
		this.withTestDriver.withPropertyValues("qemu.embed.shutdown.mode=gentle").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(FailureAnalysisSupport.text(context.getStartupFailure())).contains("qemu.embed.shutdown.mode")
				.contains("gentle");
		});
	}

	@Test
	void xmlAndInlineXmlTogetherFailWithAnalysis() {
		this.withTestDriver
			.withPropertyValues("qemu.embed.domains.web.xml=classpath:wiring/web.xml",
					"qemu.embed.domains.web.inline-xml=" + WEB_XML)
			.run((context) -> assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
				.contains("Set only one of qemu.embed.domains.web.xml and qemu.embed.domains.web.inline-xml"));
	}

	@Test
	void missingXmlResourceFailsWithAnalysis() {
		this.withTestDriver.withPropertyValues("qemu.embed.domains.web.xml=classpath:wiring/nope.xml")
			.run((context) -> assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
				.contains("'qemu.embed.domains.web.xml'")
				.contains("The domain XML does not exist"));
	}

	@Test
	void domainWithoutXmlFailsWithAnalysis() {
		this.withTestDriver.withPropertyValues("qemu.embed.domains.web.autostart=true")
			.run((context) -> assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
				.contains("A declared domain needs its libvirt XML"));
	}

	@Test
	void domainNameDifferentFromKeyFailsWithAnalysis() {
		this.withTestDriver.withPropertyValues("qemu.embed.domains.api.inline-xml=" + WEB_XML)
			.run((context) -> assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
				.contains("The domain XML is named 'web' but declared as 'api'"));
	}

	@Test
	void transientDomainWithoutAutostartFailsWithAnalysis() {
		this.withTestDriver
			.withPropertyValues("qemu.embed.domains.web.inline-xml=" + WEB_XML,
					"qemu.embed.domains.web.persistent=false")
			.run((context) -> assertThat(FailureAnalysisSupport.text(context.getStartupFailure()))
				.contains("A transient domain exists only while it runs"));
	}

	@Configuration(proxyBeanMethods = false)
	static class EventRecorder implements ApplicationListener<DomainLifecycleEvent> {

		final List<DomainLifecycleEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(DomainLifecycleEvent event) {
			this.events.add(event);
		}

	}

}
