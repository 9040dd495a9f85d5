package io.github.qemuembed.testsupport.spring;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

import io.github.qemuembed.autoconfigure.QemuEmbedRoot;
import io.github.qemuembed.testsupport.guest.TestGuest;

/**
 * What {@link AutoConfigureQemuEmbed} does, as an initializer for contexts that are not
 * test-managed:
 * {@code new ApplicationContextRunner().withInitializer(QemuEmbedTestInitializer.withGuest("vm"))}.
 * Registers a temporary {@link QemuEmbedRoot} (the auto-configuration backs off from its
 * own, so a configured {@code qemu.embed.root} is not used) and puts the test settings
 * first among the property sources.
 */
public final class QemuEmbedTestInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	/** The name of the property source with the test settings. */
	public static final String PROPERTY_SOURCE = "qemuEmbedTest";

	private final String guest;

	private final int guestMemoryMiB;

	private final boolean autostart;

	private QemuEmbedTestInitializer(String guest, int guestMemoryMiB, boolean autostart) {
		this.guest = guest;
		this.guestMemoryMiB = guestMemoryMiB;
		this.autostart = autostart;
	}

	/** A private root and destroy-on-close, without a test guest. */
	public static QemuEmbedTestInitializer withoutGuest() {
		return new QemuEmbedTestInitializer("", 0, false);
	}

	/**
	 * A private root, destroy-on-close, and the test guest declared as {@code name},
	 * started with the context.
	 */
	public static QemuEmbedTestInitializer withGuest(String name) {
		return new QemuEmbedTestInitializer(name, 128, true);
	}

	static QemuEmbedTestInitializer of(String guest, int guestMemoryMiB, boolean autostart) {
		return new QemuEmbedTestInitializer(guest, guestMemoryMiB, autostart);
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("qemu.embed.shutdown.mode", "destroy");
		if (!this.guest.isEmpty()) {
			String prefix = "qemu.embed.domains." + this.guest + ".";
			properties.put(prefix + "inline-xml",
					TestGuest.standard().domain(this.guest).type("qemu").memoryMiB(this.guestMemoryMiB).toXml());
			properties.put(prefix + "autostart", Boolean.toString(this.autostart));
		}
		context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
		// a bean definition (not a singleton instance, which would never be destroyed) of
		// the type the
		// auto-configuration's root is conditional on; registered before the
		// configuration classes are parsed,
		// so the auto-configuration backs off, and destroyed after the driver that
		// depends on it
		context.addBeanFactoryPostProcessor(new RootRegistration());
	}

	/** Registers the temporary root as the first bean definitions are read. */
	private static final class RootRegistration implements BeanDefinitionRegistryPostProcessor {

		@Override
		public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
			registry.registerBeanDefinition("qemuEmbedTestRoot",
					new RootBeanDefinition(QemuEmbedRoot.class, QemuEmbedRoot::temporary));
		}

		@Override
		public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		}

	}

}
