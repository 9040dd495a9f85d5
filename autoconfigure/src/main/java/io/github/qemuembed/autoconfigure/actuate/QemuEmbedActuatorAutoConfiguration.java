package io.github.qemuembed.autoconfigure.actuate;

import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties;
import io.github.qemuembed.autoconfigure.access.HttpAccessListener;
import io.github.qemuembed.autoconfigure.access.HttpOrigins;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.CallerSupplier;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.audit.AuditEventRepository;
import org.springframework.boot.actuate.audit.listener.AbstractAuditListener;
import org.springframework.boot.actuate.audit.listener.AuditApplicationEvent;
import org.springframework.boot.actuate.audit.listener.AuditListener;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.info.ConditionalOnEnabledInfoContributor;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.concurrent.DelegatingSecurityContextRunnable;
import org.springframework.util.ClassUtils;

/**
 * Actuator support for the embedded QEMU driver: the {@code qemu} health contributor, the
 * {@code qemu} endpoint, an info contributor, Micrometer meters and audit events for web
 * calls that write. Each part needs its Actuator module on the classpath and can be
 * turned off the usual way ({@code management.health.qemu.enabled},
 * {@code management.endpoint.qemu.access=none}, {@code management.info.qemu.enabled}).
 */
@AutoConfiguration(after = QemuEmbedAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration")
@ConditionalOnClass({ QemuDriver.class, Endpoint.class })
@ConditionalOnBean({ QemuDriver.class, QemuEmbedProperties.class })
public final class QemuEmbedActuatorAutoConfiguration {

	/**
	 * Figures read as the application itself, for health and metrics: what the system
	 * looks like must not depend on who asks.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "qemuEmbedApplicationSnapshots")
	DomainSnapshots qemuEmbedApplicationSnapshots(QemuDriver driver, QemuEmbedProperties properties,
			ActuatorReadPool pool) {
		return DomainSnapshots.asApplication(driver, properties.getActuator().getTimeout(), pool);
	}

	/**
	 * The one pool the readers below talk to the domains on; shut down with the context,
	 * after them.
	 */
	@Bean
	@ConditionalOnMissingBean
	ActuatorReadPool qemuEmbedActuatorReadPool() {
		return new ActuatorReadPool();
	}

	/**
	 * Figures read as the endpoint's caller (the HTTP principal, or the anonymous
	 * caller): the request's origin and Spring Security's context go with each read to
	 * the pool thread.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "qemuEmbedDomainSnapshots")
	DomainSnapshots qemuEmbedDomainSnapshots(QemuDriver driver, QemuEmbedProperties properties,
			ObjectProvider<CallerSupplier> callerSupplier, ActuatorReadPool pool) {
		UnaryOperator<Runnable> security = SECURITY_PRESENT ? SecurityContextPropagation::wrap
				: UnaryOperator.identity();
		UnaryOperator<Runnable> propagator = (task) -> HttpOrigins.propagate(security.apply(task));
		return new DomainSnapshots(driver, properties.getActuator().getTimeout(),
				callerSupplier.getIfAvailable(() -> CallerSupplier.NONE), propagator, pool);
	}

	private static final boolean SECURITY_PRESENT = ClassUtils.isPresent(
			"org.springframework.security.core.context.SecurityContextHolder",
			QemuEmbedActuatorAutoConfiguration.class.getClassLoader());

	/**
	 * Carries the current thread's Spring Security context to the thread that reads a VM.
	 */
	private static final class SecurityContextPropagation {

		static Runnable wrap(Runnable task) {
			return new DelegatingSecurityContextRunnable(task);
		}

	}

	/** Block and network figures (QMP and the host's taps), read as the application. */
	@Bean
	@ConditionalOnMissingBean
	DomainStatistics qemuEmbedDomainStatistics(QemuDriver driver, QemuEmbedProperties properties,
			ActuatorReadPool pool) {
		return new DomainStatistics(driver, properties.getActuator().getTimeout(), pool);
	}

	@Bean
	@ConditionalOnMissingBean
	CrashTracker qemuEmbedCrashTracker() {
		return new CrashTracker();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnAvailableEndpoint(QemuEndpoint.class)
	static class EndpointConfiguration {

		/**
		 * Read-only unless {@code management.endpoint.qemu.access=unrestricted} (or the
		 * deprecated {@code qemu.embed.actuator.write-operations=true}, which
		 * {@link DeprecatedWriteOperationsEnvironmentPostProcessor} turns into it).
		 */
		@Bean
		@ConditionalOnMissingBean
		QemuEndpoint qemuEndpoint(QemuDriver driver, @Qualifier("qemuEmbedDomainSnapshots") DomainSnapshots snapshots,
				QemuEmbedProperties properties) {
			return new QemuEndpoint(driver, snapshots, properties.getShutdown().getTimeout());
		}

	}

	/**
	 * Audit events for web calls that write. Static, and needing nothing that needs the
	 * driver: the driver bean asks for it before it opens.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(AuditApplicationEvent.class)
	static class AuditConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "qemuEmbedAuditingAccessListener")
		static HttpAccessListener qemuEmbedAuditingAccessListener(ApplicationEventPublisher publisher) {
			return new AuditingHttpAccessListener(publisher);
		}

		/**
		 * Boot's own listener, which {@link AuditWithoutSpringSecurityFilter} left out
		 * with the rest of Boot's audit auto-configuration because Spring Security is
		 * missing.
		 */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnMissingClass(AuditWithoutSpringSecurityFilter.SECURITY_EVENT)
		@ConditionalOnBean(AuditEventRepository.class)
		@ConditionalOnBooleanProperty(name = "management.auditevents.enabled", matchIfMissing = true)
		static class WithoutSpringSecurity {

			@Bean
			@ConditionalOnMissingBean(AbstractAuditListener.class)
			AuditListener auditListener(AuditEventRepository repository) {
				return new AuditListener(repository);
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("qemu")
	static class HealthConfiguration {

		@Bean(name = "qemuHealthIndicator")
		@ConditionalOnMissingBean(name = "qemuHealthIndicator")
		QemuHealthIndicator qemuHealthIndicator(QemuDriver driver,
				@Qualifier("qemuEmbedApplicationSnapshots") DomainSnapshots snapshots, CrashTracker crashes,
				ObjectProvider<DomainStatistics> statistics, QemuEmbedProperties properties) {
			return new QemuHealthIndicator(driver, snapshots, crashes, properties.getActuator().getCrashedStatus(),
					statistics.getIfAvailable());
		}

		/**
		 * For the readiness group: see {@link QemuReadinessHealthIndicator} and
		 * docs/kubernetes.md.
		 */
		@Bean(name = "qemuReadinessHealthIndicator")
		@ConditionalOnMissingBean(name = "qemuReadinessHealthIndicator")
		QemuReadinessHealthIndicator qemuReadinessHealthIndicator(
				@Qualifier("qemuEmbedApplicationSnapshots") DomainSnapshots snapshots, QemuEmbedProperties properties) {
			List<String> declared = properties.getDomains()
				.entrySet()
				.stream()
				.filter((entry) -> entry.getValue().isAutostart())
				.map(Map.Entry::getKey)
				.sorted()
				.toList();
			return new QemuReadinessHealthIndicator(snapshots, declared);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(InfoContributor.class)
	@ConditionalOnEnabledInfoContributor("qemu")
	static class InfoConfiguration {

		@Bean
		@ConditionalOnMissingBean
		QemuInfoContributor qemuInfoContributor(QemuDriver driver,
				@Qualifier("qemuEmbedApplicationSnapshots") DomainSnapshots snapshots) {
			return new QemuInfoContributor(driver, snapshots);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
	static class MetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		QemuMetrics qemuMetrics(@Qualifier("qemuEmbedApplicationSnapshots") DomainSnapshots snapshots,
				ObjectProvider<DomainStatistics> statistics) {
			return new QemuMetrics(snapshots, statistics.getIfAvailable());
		}

		// the timers of domain operations come from their Observations: see
		// QemuEmbedObservationAutoConfiguration

	}

}
