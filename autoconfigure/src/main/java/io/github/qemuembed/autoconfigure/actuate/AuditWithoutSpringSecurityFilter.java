package io.github.qemuembed.autoconfigure.actuate;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.boot.autoconfigure.AutoConfigurationImportFilter;
import org.springframework.boot.autoconfigure.AutoConfigurationMetadata;
import org.springframework.util.ClassUtils;

/**
 * Leaves out Boot's {@code AuditAutoConfiguration} when Spring Security is not on the
 * classpath. Boot 4.0 registers Spring Security's authentication and authorization audit
 * listeners whenever an {@code AuditEventRepository} bean exists, and they fail to load
 * without Spring Security: the application would not start.
 * {@link QemuEmbedActuatorAutoConfiguration} then registers the plain
 * {@code AuditListener} itself, so that audit events, the starter's included, reach the
 * repository and {@code /actuator/auditevents}.
 */
class AuditWithoutSpringSecurityFilter implements AutoConfigurationImportFilter, BeanClassLoaderAware {

	static final String AUDIT_AUTO_CONFIGURATION = "org.springframework.boot.actuate.autoconfigure.audit.AuditAutoConfiguration";

	static final String SECURITY_EVENT = "org.springframework.security.authentication.event.AbstractAuthenticationEvent";

	private ClassLoader classLoader = AuditWithoutSpringSecurityFilter.class.getClassLoader();

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Override
	public boolean[] match(String[] autoConfigurationClasses, AutoConfigurationMetadata autoConfigurationMetadata) {
		boolean securityPresent = ClassUtils.isPresent(SECURITY_EVENT, this.classLoader);
		boolean[] matches = new boolean[autoConfigurationClasses.length];
		for (int i = 0; i < matches.length; i++) {
			matches[i] = securityPresent || !AUDIT_AUTO_CONFIGURATION.equals(autoConfigurationClasses[i]);
		}
		return matches;
	}

}
