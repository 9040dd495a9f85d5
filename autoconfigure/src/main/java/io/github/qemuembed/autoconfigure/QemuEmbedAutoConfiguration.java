package io.github.qemuembed.autoconfigure;

import java.nio.file.Path;

import io.github.qemuembed.autoconfigure.QemuEmbedProperties.ShutdownMode;
import io.github.qemuembed.autoconfigure.access.HttpAccessListener;
import io.github.qemuembed.autoconfigure.access.HttpCallerSupplier;
import io.github.qemuembed.autoconfigure.access.PropertiesAccessPolicy;
import io.github.qemuembed.autoconfigure.event.DomainEventPublisher;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.LeftoverPolicy;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the embedded QEMU driver: a {@link QemuDriver} opened on
 * {@code qemu.embed.root} (or a temporary root), its {@link AccessPolicy} from
 * {@code qemu.embed.access}, the caller from Spring Security or the web request (see
 * {@link HttpCallerSupplier}), the declared domains started with the context and every
 * running VM stopped with it, and domain events as Spring application events.
 * <p>
 * A user {@link QemuDriver} bean replaces the driver (and the root and policy that only
 * it uses); the lifecycle and the events then work with the user's driver. A user
 * {@link AccessPolicy} or {@link CallerSupplier} bean replaces the one from the
 * properties.
 */
@AutoConfiguration
@ConditionalOnClass(QemuDriver.class)
@ConditionalOnBooleanProperty(name = "qemu.embed.enabled", matchIfMissing = true)
@EnableConfigurationProperties(QemuEmbedProperties.class)
public final class QemuEmbedAutoConfiguration {

	private static final Log logger = LogFactory.getLog(QemuEmbedAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	QemuEmbedLifecycle qemuEmbedLifecycle(QemuDriver driver, QemuEmbedProperties properties,
			ObjectProvider<QemuEmbedRoot> root) {
		// cloud-init seeds live under the root when the starter made it (a user's own
		// driver: the temp directory)
		QemuEmbedRoot made = root.getIfAvailable();
		Path seeds = (made != null) ? made.path().resolve("lib/qemu/cloud-init") : null;
		return new QemuEmbedLifecycle(driver, DeclaredDomain.of(properties.getDomains(), seeds),
				properties.getShutdown().getMode(), properties.getShutdown().getTimeout(),
				properties.getDestroyGracePeriod());
	}

	/** Also used by the secondary drivers, so not inside {@link DriverConfiguration}. */
	@Bean
	@ConditionalOnMissingBean
	CallerSupplier qemuEmbedCallerSupplier() {
		return new HttpCallerSupplier();
	}

	@Bean
	@ConditionalOnMissingBean
	DomainEventPublisher qemuEmbedDomainEventPublisher(QemuDriver driver, ApplicationEventPublisher publisher) {
		return new DomainEventPublisher(driver, publisher);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(QemuDriver.class)
	static class DriverConfiguration {

		@Bean
		@ConditionalOnMissingBean
		QemuEmbedRoot qemuEmbedRoot(QemuEmbedProperties properties) {
			if (properties.getRoot() != null) {
				return QemuEmbedRoot.persistent(properties.getRoot());
			}
			if (properties.getShutdown().getMode() == ShutdownMode.DETACH) {
				// fail before a temporary directory is made for nothing
				throw new DetachWithoutRootException();
			}
			return QemuEmbedRoot.temporary();
		}

		@Bean
		@ConditionalOnMissingBean
		AccessPolicy qemuEmbedAccessPolicy(QemuEmbedProperties properties) {
			PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(properties.getAccess());
			for (String opening : policy.anonymousOpenings()) {
				logger.warn("qemu-embed: " + opening + ". Anyone who reaches the application's HTTP port without"
						+ " logging in may use it; remove the setting unless the port is private.");
			}
			return policy;
		}

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean
		QemuDriver qemuDriver(QemuEmbedProperties properties, QemuEmbedRoot root, AccessPolicy accessPolicy,
				ObjectProvider<CallerSupplier> callerSupplier, ObjectProvider<QemuDriverConfigCustomizer> customizers,
				ObjectProvider<HttpAccessListener> accessListeners) {
			ShutdownMode mode = properties.getShutdown().getMode();
			if (mode == ShutdownMode.DETACH && root.isTemporary()) {
				throw new DetachWithoutRootException();
			}
			LeftoverPolicy leftovers = properties.getStartup().getLeftovers();
			if (leftovers == null) {
				leftovers = (mode == ShutdownMode.DETACH) ? LeftoverPolicy.RECONNECT : LeftoverPolicy.DESTROY;
			}
			DriverConfig.Builder builder = DriverConfig.builder(root.path())
				.emulator(properties.getEmulator())
				.accel(properties.getAccel())
				.accessPolicy(HttpAccessListener.observing(accessPolicy, accessListeners.orderedStream().toList()))
				.callerSupplier(callerSupplier.getIfAvailable(HttpCallerSupplier::new))
				.qmpTimeout(properties.getQmpTimeout())
				.startTimeout(properties.getStartTimeout())
				.destroyGracePeriod(properties.getDestroyGracePeriod())
				.leftovers(leftovers)
				// detached VMs must outlive this JVM; every other mode wants them to die
				// with it
				.killWithOwner(mode != ShutdownMode.DETACH);
			customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
			QemuDriver driver;
			try {
				driver = QemuDriver.open(builder.build());
			}
			catch (InvalidConfigurationException ex) {
				// at open, before any domain is involved, the only configuration checked
				// is the root's
				throw new InvalidRootException(root, ex);
			}
			logger.info("qemu-embed driver opened on " + (root.isTemporary()
					? "temporary root " + root.path()
							+ " (deleted when the context closes; set qemu.embed.root to keep state)"
					: "root " + root.path()));
			return driver;
		}

	}

}
