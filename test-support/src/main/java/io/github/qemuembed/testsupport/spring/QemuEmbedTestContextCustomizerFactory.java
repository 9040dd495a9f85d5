package io.github.qemuembed.testsupport.spring;

import java.util.List;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Applies {@link AutoConfigureQemuEmbed} to test-managed contexts (registered in
 * {@code META-INF/spring.factories}).
 */
class QemuEmbedTestContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		AutoConfigureQemuEmbed settings = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureQemuEmbed.class);
		return (settings != null) ? new Customizer(settings.guest(), settings.guestMemoryMiB(), settings.autostart())
				: null;
	}

	/**
	 * A record: equal settings give equal customizers, so Spring's context cache can
	 * share the context.
	 */
	private record Customizer(String guest, int guestMemoryMiB, boolean autostart) implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			QemuEmbedTestInitializer.of(this.guest, this.guestMemoryMiB, this.autostart).initialize(context);
		}

	}

}
