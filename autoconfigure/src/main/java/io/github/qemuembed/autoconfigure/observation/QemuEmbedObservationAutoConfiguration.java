package io.github.qemuembed.autoconfigure.observation;

import io.github.qemuembed.autoconfigure.QemuDriverConfigCustomizer;
import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.observation.DriverObserver;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer Observations of the auto-configured driver, when an
 * {@link ObservationRegistry} bean exists (Spring Boot's, with Actuator): every domain
 * operation, QMP command and call of a remote secondary driver. The registry's handlers
 * decide what they become: timers (with Boot's metrics), spans (with Micrometer Tracing
 * and a bridge). Conventions are replaced by declaring a bean of
 * {@link DomainOperationObservationConvention}, {@link QmpCommandObservationConvention}
 * or {@link RemoteCallObservationConvention}.
 */
@AutoConfiguration(before = QemuEmbedAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass({ QemuDriver.class, ObservationRegistry.class })
@ConditionalOnBooleanProperty(name = "qemu.embed.enabled", matchIfMissing = true)
@ConditionalOnBean(ObservationRegistry.class)
public final class QemuEmbedObservationAutoConfiguration {

	/** Also given to the remote secondary drivers, for their calls. */
	@Bean
	@ConditionalOnMissingBean(DriverObserver.class)
	DriverObserver qemuEmbedDriverObserver(ObservationRegistry registry,
			ObjectProvider<DomainOperationObservationConvention> domainOperations,
			ObjectProvider<QmpCommandObservationConvention> qmpCommands,
			ObjectProvider<RemoteCallObservationConvention> remoteCalls) {
		return new ObservationDriverObserver(registry, domainOperations.getIfUnique(), qmpCommands.getIfUnique(),
				remoteCalls.getIfUnique());
	}

	@Bean
	QemuDriverConfigCustomizer qemuEmbedDriverObserverCustomizer(DriverObserver observer) {
		return (builder) -> builder.observer(observer);
	}

}
