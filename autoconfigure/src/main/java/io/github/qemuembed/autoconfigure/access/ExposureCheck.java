package io.github.qemuembed.autoconfigure.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.github.qemuembed.autoconfigure.QemuEmbedProperties;
import io.github.qemuembed.driver.access.AccessPolicy;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.PropertiesEndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Checks at start-up, before the servers accept requests and before declared domains
 * start, whether VMs can be changed over HTTP by anyone who reaches a port: write
 * operations are on, the server or the management server listens on a non-loopback
 * address, and there is no Spring Security filter chain; or write operations are on and
 * the server is reactive, whose requests the starter cannot tell from the application's
 * calls. Logs a warning, or with {@code qemu.embed.security.strict=true} fails start-up
 * with an {@link InsecureExposureException}.
 */
final class ExposureCheck implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(ExposureCheck.class);

	private static final boolean ACTUATOR_PRESENT = ClassUtils.isPresent(
			"org.springframework.boot.actuate.autoconfigure.endpoint.PropertiesEndpointAccessResolver",
			ExposureCheck.class.getClassLoader());

	private static final String[] FILTER_CHAINS = { "org.springframework.security.web.SecurityFilterChain",
			"org.springframework.security.web.server.SecurityWebFilterChain" };

	private final Environment environment;

	private final QemuEmbedProperties properties;

	private final AccessPolicy policy;

	private final ListableBeanFactory beans;

	private final boolean reactive;

	ExposureCheck(Environment environment, QemuEmbedProperties properties, AccessPolicy policy,
			ListableBeanFactory beans, boolean reactive) {
		this.environment = environment;
		this.properties = properties;
		this.policy = policy;
		this.beans = beans;
		this.reactive = reactive;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<String> writes = writeSettings();
		if (writes.isEmpty()) {
			return;
		}
		if (this.reactive) {
			report(InsecureExposureException.reactive(writes), "Serve the qemu endpoint from a servlet server"
					+ " (spring-boot-starter-web) or turn the write operations off");
			return;
		}
		if (springSecurityPresent()) {
			return;
		}
		List<String> listeners = exposedListeners();
		if (!listeners.isEmpty()) {
			report(InsecureExposureException.withoutSecurity(writes, listeners), "Bind the servers to 127.0.0.1"
					+ " (server.address, management.server.address) or add Spring Security");
		}
	}

	private void report(InsecureExposureException exposure, String action) {
		if (this.properties.getSecurity().isStrict()) {
			throw exposure;
		}
		logger.warn("qemu-embed: " + exposure.getMessage() + ". " + action
				+ "; set qemu.embed.security.strict=true to refuse to start in this case.");
	}

	private List<String> writeSettings() {
		List<String> settings = new ArrayList<>();
		if (ACTUATOR_PRESENT && QemuEndpointAccess.unrestricted(this.environment)) {
			settings.add("the qemu endpoint's access is unrestricted (management.endpoint.qemu.access)");
		}
		if (this.policy instanceof PropertiesAccessPolicy properties) {
			settings.addAll(properties.anonymousOpenings());
		}
		return settings;
	}

	private boolean springSecurityPresent() {
		ClassLoader classLoader = getClass().getClassLoader();
		for (String chain : FILTER_CHAINS) {
			if (ClassUtils.isPresent(chain, classLoader) && this.beans
				.getBeanNamesForType(ClassUtils.resolveClassName(chain, classLoader), true, false).length > 0) {
				return true;
			}
		}
		return false;
	}

	private List<String> exposedListeners() {
		List<String> listeners = new ArrayList<>();
		String serverPort = this.environment.getProperty("server.port", "8080");
		if (!serverPort.equals("-1")) {
			new Listener("the server", "server.address").ifExposed(this.environment, listeners);
		}
		String managementPort = this.environment.getProperty("management.server.port");
		if (managementPort != null && !managementPort.equals("-1") && !managementPort.equals(serverPort)) {
			new Listener("the management server", "management.server.address").ifExposed(this.environment, listeners);
		}
		return listeners;
	}

	/** One server and the property that sets its address. */
	private record Listener(String server, String property) {

		void ifExposed(Environment environment, List<String> listeners) {
			String address = environment.getProperty(this.property);
			if (address == null || address.isBlank()) {
				listeners.add(this.server + " listens on all interfaces (" + this.property + " is not set)");
			}
			else if (!isLoopback(address.trim())) {
				listeners.add(this.server + " listens on " + address.trim() + " (" + this.property + ")");
			}
		}

		private static boolean isLoopback(String address) {
			try {
				return Objects.requireNonNull(InetAddress.getByName(address)).isLoopbackAddress();
			}
			catch (UnknownHostException ex) {
				// an address that does not resolve here cannot be shown to be private
				return false;
			}
		}

	}

	/**
	 * The qemu endpoint's access as Boot resolves it. Loaded only with Actuator on the
	 * classpath.
	 */
	private static final class QemuEndpointAccess {

		static boolean unrestricted(Environment environment) {
			return new PropertiesEndpointAccessResolver(environment).accessFor(EndpointId.of("qemu"),
					Access.READ_ONLY) == Access.UNRESTRICTED;
		}

	}

}
