package io.github.qemuembed.autoconfigure.secondary;

import io.github.qemuembed.autoconfigure.QemuDriverConfigCustomizer;
import io.github.qemuembed.autoconfigure.QemuEmbedAutoConfiguration;
import io.github.qemuembed.autoconfigure.QemuEmbedRoot;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.observation.DriverObserver;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Secondary drivers (network, storage, secrets) of the auto-configured
 * {@link QemuDriver}: built from the {@link LibvirtConnectionDetails} bean (from
 * {@code qemu.embed.secondary.*} unless the application or a {@code @ServiceConnection}
 * supplies one) and the secret values of {@code qemu.embed.secrets}, and handed to the
 * driver through a {@link QemuDriverConfigCustomizer}.
 * <p>
 * Runs before {@link QemuEmbedAutoConfiguration} so that a user {@link QemuDriver} bean,
 * which brings its own secondary drivers, makes it back off.
 */
@AutoConfiguration(before = QemuEmbedAutoConfiguration.class)
@ConditionalOnClass(QemuDriver.class)
@ConditionalOnBooleanProperty(name = "qemu.embed.enabled", matchIfMissing = true)
@ConditionalOnMissingBean(QemuDriver.class)
@EnableConfigurationProperties({ QemuEmbedSecondaryProperties.class, QemuEmbedSecretsProperties.class,
		QemuEmbedStorageProperties.class })
public final class QemuEmbedSecondaryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(LibvirtConnectionDetails.class)
	PropertiesLibvirtConnectionDetails qemuEmbedLibvirtConnectionDetails(QemuEmbedSecondaryProperties properties) {
		return new PropertiesLibvirtConnectionDetails(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	QemuEmbedSecondaryDrivers qemuEmbedSecondaryDrivers(LibvirtConnectionDetails connectionDetails,
			QemuEmbedSecondaryProperties properties, QemuEmbedSecretsProperties secrets,
			QemuEmbedStorageProperties storage, QemuEmbedRoot root, AccessPolicy accessPolicy,
			ObjectProvider<CallerSupplier> callerSupplier, ObjectProvider<DriverObserver> observer) {
		QemuEmbedSecondaryDrivers drivers = QemuEmbedSecondaryDrivers.create(connectionDetails, properties,
				secrets.getSecrets(), root.path(), accessPolicy,
				callerSupplier.getIfAvailable(() -> CallerSupplier.NONE),
				observer.getIfUnique(() -> DriverObserver.NONE));
		try {
			// before the driver bean exists: declared domains may use these volumes
			EmbeddedStorageSetup.apply(storage, drivers.storage());
		}
		catch (RuntimeException ex) {
			drivers.destroy();
			throw ex;
		}
		return drivers;
	}

	@Bean
	QemuDriverConfigCustomizer qemuEmbedSecondaryDriversCustomizer(QemuEmbedSecondaryDrivers drivers) {
		return (builder) -> builder.secondary(drivers.toSecondaryDrivers());
	}

}
