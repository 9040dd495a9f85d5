package io.github.qemuembed.autoconfigure.actuate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.github.qemuembed.autoconfigure.QemuDriverConfigCustomizer;
import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.WiringTestDriver;
import io.github.qemuembed.driver.DomainOperationListener;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.InMemoryAuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AuditListener;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.OperationType;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wiring of {@link QemuEmbedActuatorAutoConfiguration}: which parts exist under which
 * conditions. Behaviour over HTTP with real QEMU is tested in the context tests.
 */
class QemuEmbedActuatorAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		// as SpringApplication does: 'read-only' and 'unrestricted' bind to Boot's Access
		.withInitializer((context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
		.withConfiguration(
				AutoConfigurations.of(QemuEmbedAutoConfiguration.class, QemuEmbedActuatorAutoConfiguration.class))
		.withBean(QemuDriver.class, WiringTestDriver::new);

	@Test
	void endpointIsReadOnlyByDefault() {
		assertThat(qemuOperations()).containsOnly(OperationType.READ);
	}

	@Test
	void unrestrictedAccessAddsTheWriteOperation() {
		assertThat(qemuOperations("management.endpoint.qemu.access=unrestricted")).contains(OperationType.READ,
				OperationType.WRITE);
	}

	@Test
	void readOnlyAccessKeepsTheReads() {
		assertThat(qemuOperations("management.endpoints.access.default=unrestricted",
				"management.endpoint.qemu.access=read-only"))
			.containsOnly(OperationType.READ);
	}

	@Test
	void noAccessNoEndpoint() {
		this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=qemu",
					"management.endpoint.qemu.access=none")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(QemuEndpoint.class));
	}

	@Test
	void maxPermittedAccessCapsTheEndpoint() {
		assertThat(qemuOperations("management.endpoint.qemu.access=unrestricted",
				"management.endpoints.access.max-permitted=read-only"))
			.containsOnly(OperationType.READ);
	}

	/**
	 * The operations Boot maps for the qemu endpoint over the web, with the given access
	 * settings.
	 */
	private List<OperationType> qemuOperations(String... properties) {
		List<OperationType> types = new ArrayList<>();
		new WebApplicationContextRunner()
			.withInitializer(
					(context) -> context.getEnvironment().setConversionService(new ApplicationConversionService()))
			.withConfiguration(
					AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
							QemuEmbedAutoConfiguration.class, QemuEmbedActuatorAutoConfiguration.class))
			.withBean(QemuDriver.class, WiringTestDriver::new)
			.withPropertyValues("management.endpoints.web.exposure.include=qemu")
			.withPropertyValues(properties)
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(QemuEndpoint.class);
				ExposableWebEndpoint qemu = context.getBean(WebEndpointsSupplier.class)
					.getEndpoints()
					.stream()
					.filter((endpoint) -> endpoint.getEndpointId().equals(EndpointId.of("qemu")))
					.findFirst()
					.orElseThrow();
				qemu.getOperations().forEach((operation) -> types.add(operation.getType()));
			});
		return types;
	}

	@Test
	void webWritesAreAuditEvents() {
		this.runner.run((context) -> assertThat(context).hasBean("qemuEmbedAuditingAccessListener")
			.doesNotHaveBean(AuditListener.class));
	}

	@Test
	void withoutSpringSecurityTheStarterRegistersBootsAuditListener() {
		this.runner.withBean(AuditEventRepository.class, InMemoryAuditEventRepository::new)
			.withClassLoader(new FilteredClassLoader("org.springframework.security"))
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(AuditListener.class));
		// with Spring Security, Boot's AuditAutoConfiguration registers it
		this.runner.withBean(AuditEventRepository.class, InMemoryAuditEventRepository::new)
			.run((context) -> assertThat(context).doesNotHaveBean(AuditListener.class));
	}

	@Test
	void bootsAuditAutoConfigurationIsLeftOutOnlyWithoutSpringSecurity() {
		String[] candidates = { "org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration",
				"org.springframework.boot.actuate.autoconfigure.audit.AuditEventsEndpointAutoConfiguration" };
		AuditWithoutSpringSecurityFilter filter = new AuditWithoutSpringSecurityFilter();
		assertThat(filter.match(candidates, null)).containsExactly(true, true);
		filter.setBeanClassLoader(new FilteredClassLoader("org.springframework.security"));
		assertThat(filter.match(candidates, null)).containsExactly(false, true);
	}

	@Test
	void noEndpointWhenNotExposed() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(QemuEndpoint.class));
	}

	@Test
	void healthInfoAndMetricsByDefault() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasBean("qemuHealthIndicator")
				.hasSingleBean(QemuInfoContributor.class)
				.hasSingleBean(QemuMetrics.class));
	}

	@Test
	void operationTimersAreNotFedByAListenerBesideTheirObservations() {
		// the timers come from the Observations
		// (QemuEmbedObservationAutoConfigurationTests): a listener would
		// count every operation twice
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			assertThat(context).hasSingleBean(DomainStatistics.class);
			DriverConfig.Builder builder = DriverConfig.builder(Path.of("/tmp/unused"))
				.accessPolicy(AccessPolicy.allowAll());
			context.getBeanProvider(QemuDriverConfigCustomizer.class)
				.orderedStream()
				.forEach((c) -> c.customize(builder));
			assertThat(builder.build().operationListener()).isSameAs(DomainOperationListener.NONE);
		});
	}

	@Test
	void noMetersWithoutMicrometer() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(QemuMetrics.class)
				.doesNotHaveBean(QemuDriverConfigCustomizer.class));
	}

	@Test
	void healthCanBeDisabled() {
		this.runner.withPropertyValues("management.health.qemu.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("qemuHealthIndicator"));
	}

	@Test
	void infoCanBeDisabled() {
		this.runner.withPropertyValues("management.info.qemu.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(QemuInfoContributor.class));
	}

	@Test
	void backsOffWithoutActuator() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(DomainSnapshots.class)
				.doesNotHaveBean("qemuHealthIndicator"));
	}

	@Test
	void backsOffWhenQemuEmbedIsDisabled() {
		this.runner.withPropertyValues("qemu.embed.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(DomainSnapshots.class));
	}

	@Test
	void portForwardsOfTheLiveXmlAreListedPerRange() {
		String xml = "<domain type='kvm'><name>a</name><memory>65536</memory><os><type>hvm</type></os><devices>"
				+ "<interface type='user'><portForward proto='tcp' address='127.0.0.1'><range start='43817' to='22'/>"
				+ "<range start='8080' end='8082' to='80'/></portForward></interface></devices></domain>";
		assertThat(QemuEndpoint.portForwards(xml)).hasSize(2).first().satisfies((first) -> {
			assertThat(first).containsEntry("protocol", "tcp")
				.containsEntry("address", "127.0.0.1")
				.containsEntry("hostPort", 43817)
				.containsEntry("hostPortEnd", 43817)
				.containsEntry("guestPort", 22);
		});
		assertThat(QemuEndpoint.portForwards(xml).get(1)).containsEntry("hostPortEnd", 8082)
			.containsEntry("guestPort", 80);
		assertThat(QemuEndpoint.portForwards("<domain/>")).isEmpty();
	}

	@Test
	void devicesAreListedFromTheXml() {
		assertThat(QemuEndpoint.devices("<domain><name>a</name><devices><disk type='file'><source/></disk>"
				+ "<serial type='pty'/><console type='pty'/><rng/></devices></domain>"))
			.extracting((d) -> d.get("device") + ":" + d.get("type"))
			.containsExactly("disk:file", "serial:pty", "console:pty", "rng:null");
	}

}
