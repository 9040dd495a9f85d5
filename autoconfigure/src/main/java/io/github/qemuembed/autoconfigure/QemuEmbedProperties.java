package io.github.qemuembed.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.LeftoverPolicy;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.DeprecatedConfigurationProperty;
import org.springframework.core.io.Resource;
import org.springframework.validation.Errors;
import org.springframework.validation.Validator;
import org.springframework.validation.annotation.Validated;

/**
 * Configuration of the embedded QEMU driver, its access policy, its declared domains and
 * what happens to its VMs when the application context starts and stops.
 */
@ConfigurationProperties("qemu.embed")
@Validated
public class QemuEmbedProperties implements Validator {

	private static final Validator VALIDATOR = new QemuEmbedPropertiesValidator();

	/**
	 * Whether to auto-configure the embedded QEMU driver.
	 */
	private boolean enabled = true;

	/**
	 * Root directory holding all of the driver's state (libvirt's embedded layout). When
	 * unset, a private temporary root is created under the system temp directory and
	 * deleted when the context closes; when set, definitions persist across restarts.
	 * Keep it short: QEMU's UNIX socket paths under it are limited to 107 bytes.
	 */
	private Path root;

	/**
	 * QEMU binary. When unset, 'qemu-system-x86_64' is looked up on the PATH.
	 */
	private Path emulator;

	/**
	 * Accelerator: 'auto' uses KVM when /dev/kvm is usable and TCG otherwise.
	 */
	private Accel accel = Accel.AUTO;

	/**
	 * Timeout of every call to a VM's QMP monitor.
	 */
	private Duration qmpTimeout = Duration.ofSeconds(10);

	/**
	 * How long QEMU may take from being launched to a ready monitor.
	 */
	private Duration startTimeout = Duration.ofSeconds(30);

	/**
	 * How long a forced stop waits after SIGTERM before sending SIGKILL.
	 */
	private Duration destroyGracePeriod = Duration.ofSeconds(2);

	private final Access access = new Access();

	private final Shutdown shutdown = new Shutdown();

	private final Startup startup = new Startup();

	private final Actuator actuator = new Actuator();

	private final Security security = new Security();

	/**
	 * Declared domains, by domain name: defined when the context starts and, with
	 * 'autostart', started with it.
	 */
	private Map<String, DeclaredDomain> domains = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Path getRoot() {
		return this.root;
	}

	public void setRoot(Path root) {
		this.root = root;
	}

	public Path getEmulator() {
		return this.emulator;
	}

	public void setEmulator(Path emulator) {
		this.emulator = emulator;
	}

	public Accel getAccel() {
		return this.accel;
	}

	public void setAccel(Accel accel) {
		this.accel = accel;
	}

	public Duration getQmpTimeout() {
		return this.qmpTimeout;
	}

	public void setQmpTimeout(Duration qmpTimeout) {
		this.qmpTimeout = qmpTimeout;
	}

	public Duration getStartTimeout() {
		return this.startTimeout;
	}

	public void setStartTimeout(Duration startTimeout) {
		this.startTimeout = startTimeout;
	}

	public Duration getDestroyGracePeriod() {
		return this.destroyGracePeriod;
	}

	public void setDestroyGracePeriod(Duration destroyGracePeriod) {
		this.destroyGracePeriod = destroyGracePeriod;
	}

	public Access getAccess() {
		return this.access;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	public Startup getStartup() {
		return this.startup;
	}

	public Actuator getActuator() {
		return this.actuator;
	}

	public Security getSecurity() {
		return this.security;
	}

	public Map<String, DeclaredDomain> getDomains() {
		return this.domains;
	}

	public void setDomains(Map<String, DeclaredDomain> domains) {
		this.domains = domains;
	}

	/**
	 * The binder validates a properties object that is a {@link Validator} with itself,
	 * with or without a Bean Validation provider on the classpath.
	 */
	@Override
	public boolean supports(Class<?> type) {
		return VALIDATOR.supports(type);
	}

	@Override
	public void validate(Object target, Errors errors) {
		VALIDATOR.validate(target, errors);
	}

	/**
	 * The access policy the driver is opened with. Ignored when the application defines
	 * its own {@code AccessPolicy} bean.
	 */
	public static class Access {

		/**
		 * What happens to the application's own calls (made by its code outside of any
		 * web request, such as the starter's lifecycle): 'allow' them all, 'deny' them
		 * all, or check them against the 'rules' like any other call. A call from a web
		 * request is never an application call.
		 */
		private ApplicationCalls applicationCalls = ApplicationCalls.ALLOW;

		/**
		 * What anonymous callers (web requests without an authenticated principal, with
		 * or without Spring Security) may do when no rule naming the principal
		 * 'anonymous' matches: 'read-only' (list and read domains), 'deny' (nothing) or
		 * 'allow' (everything, including start, stop and destroy: anyone who reaches the
		 * HTTP port controls every VM; logged as a warning at start-up).
		 */
		private AnonymousCalls anonymousCalls = AnonymousCalls.READ_ONLY;

		/**
		 * Rules checked in order for calls made by a principal; the first rule that
		 * matches decides. A call that no rule matches is denied. A rule applies to
		 * anonymous callers only when its 'principals' name 'anonymous'.
		 */
		private List<Rule> rules = new ArrayList<>();

		public ApplicationCalls getApplicationCalls() {
			return this.applicationCalls;
		}

		public void setApplicationCalls(ApplicationCalls applicationCalls) {
			this.applicationCalls = applicationCalls;
		}

		public AnonymousCalls getAnonymousCalls() {
			return this.anonymousCalls;
		}

		public void setAnonymousCalls(AnonymousCalls anonymousCalls) {
			this.anonymousCalls = anonymousCalls;
		}

		public List<Rule> getRules() {
			return this.rules;
		}

		public void setRules(List<Rule> rules) {
			this.rules = rules;
		}

	}

	/** How calls made without a principal are decided. */
	public enum ApplicationCalls {

		/** Allowed, whatever the rules say. */
		ALLOW,
		/** Denied, whatever the rules say. */
		DENY,
		/**
		 * Checked against the rules; only rules that name no principal, role or authority
		 * can match them.
		 */
		RULES

	}

	/**
	 * How calls from anonymous callers are decided when no rule naming 'anonymous'
	 * matches.
	 */
	public enum AnonymousCalls {

		/**
		 * Only what reads: connect.getattr, connect.read, connect.search_domains,
		 * domain.getattr and domain.read (like a read-only connection to libvirt).
		 */
		READ_ONLY,
		/** Nothing. */
		DENY,
		/** Everything: anyone who reaches the HTTP port controls every VM. */
		ALLOW

	}

	/** Whether a matching rule allows or denies. */
	public enum Decision {

		ALLOW, DENY

	}

	/**
	 * One access rule. A rule matches a call when the permission, the domain and the
	 * caller all match; an empty list of principals, roles and authorities matches every
	 * caller.
	 */
	public static class Rule {

		/**
		 * Permissions the rule covers, with libvirt's names ('domain.start'), a wildcard
		 * per object ('domain.*') or '*' for all.
		 */
		private List<String> permissions = new ArrayList<>(List.of("*"));

		/**
		 * Domain name patterns the rule covers; '*' matches any run of characters.
		 * Permissions that are not about a domain ('connect.*') match only the pattern
		 * '*'.
		 */
		private List<String> domains = new ArrayList<>(List.of("*"));

		/**
		 * Principal names the rule applies to (any of them). 'anonymous' names the
		 * anonymous callers (web requests without an authenticated principal), never a
		 * principal of that name.
		 */
		private List<String> principals = new ArrayList<>();

		/**
		 * Roles the rule applies to (any of them), without the 'ROLE_' prefix.
		 */
		private List<String> roles = new ArrayList<>();

		/**
		 * Authorities the rule applies to (any of them), as the caller carries them.
		 */
		private List<String> authorities = new ArrayList<>();

		/**
		 * Whether the rule allows or denies what it matches.
		 */
		private Decision decision = Decision.ALLOW;

		public List<String> getPermissions() {
			return this.permissions;
		}

		public void setPermissions(List<String> permissions) {
			this.permissions = permissions;
		}

		public List<String> getDomains() {
			return this.domains;
		}

		public void setDomains(List<String> domains) {
			this.domains = domains;
		}

		public List<String> getPrincipals() {
			return this.principals;
		}

		public void setPrincipals(List<String> principals) {
			this.principals = principals;
		}

		public List<String> getRoles() {
			return this.roles;
		}

		public void setRoles(List<String> roles) {
			this.roles = roles;
		}

		public List<String> getAuthorities() {
			return this.authorities;
		}

		public void setAuthorities(List<String> authorities) {
			this.authorities = authorities;
		}

		public Decision getDecision() {
			return this.decision;
		}

		public void setDecision(Decision decision) {
			this.decision = decision;
		}

	}

	/** What happens to running VMs when the context stops. */
	public static class Shutdown {

		/**
		 * How running VMs are stopped when the context closes: 'graceful' asks each guest
		 * to power off (ACPI) and forces it after the timeout, 'destroy' stops them at
		 * once, 'detach' leaves them running for the next start on the same root to
		 * reconnect (needs 'root').
		 */
		private ShutdownMode mode = ShutdownMode.GRACEFUL;

		/**
		 * Time allowed for stopping all running VMs, in parallel, forced stops included.
		 */
		private Duration timeout = Duration.ofSeconds(30);

		public ShutdownMode getMode() {
			return this.mode;
		}

		public void setMode(ShutdownMode mode) {
			this.mode = mode;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/** How running VMs are stopped when the context closes. */
	public enum ShutdownMode {

		/**
		 * ACPI power-off, then a forced stop of the guests still running at the timeout.
		 */
		GRACEFUL,
		/**
		 * Like graceful, but through the guest agent ({@code guest-shutdown}) for domains
		 * whose agent channel is connected; ACPI for the others and when the agent does
		 * not answer.
		 */
		AGENT,
		/** Immediate stop: SIGTERM, then SIGKILL. */
		DESTROY,
		/** Leave the VMs running; the next driver on the same root reconnects to them. */
		DETACH

	}

	/** What happens when the context starts. */
	public static class Startup {

		/**
		 * What to do with VMs still running from an earlier run on the same root:
		 * 'destroy' or 'reconnect'. When unset: 'reconnect' if shutdown.mode is 'detach',
		 * 'destroy' otherwise.
		 */
		private LeftoverPolicy leftovers;

		public LeftoverPolicy getLeftovers() {
			return this.leftovers;
		}

		public void setLeftovers(LeftoverPolicy leftovers) {
			this.leftovers = leftovers;
		}

	}

	/** A domain declared in the configuration. */
	public static class DeclaredDomain {

		/**
		 * Location of the domain's libvirt XML, such as 'classpath:vms/web.xml' or
		 * 'file:/etc/vms/web.xml'. Exclusive with 'inline-xml'.
		 */
		private Resource xml;

		/**
		 * The domain's libvirt XML itself. Exclusive with 'xml'.
		 */
		private String inlineXml;

		/**
		 * Whether to start the domain when the context starts (all such domains start in
		 * parallel; one failure fails the context).
		 */
		private boolean autostart;

		/**
		 * Whether the domain is defined persistently (kept under the root); a transient
		 * domain exists only while it runs, so it must also be 'autostart'.
		 */
		private boolean persistent = true;

		/**
		 * What to do when the declared XML differs from the one the existing domain
		 * (defined, or still running from an earlier run) was defined from: 'keep' the
		 * existing definition, 'redefine' it (a running VM keeps its old definition until
		 * its next start), or 'restart' a running VM on the new definition.
		 */
		private OnChange onChange = OnChange.REDEFINE;

		/**
		 * A cloud-init NoCloud seed for the domain: built as an ISO 9660 image labelled
		 * 'cidata' and attached as a read-only CD-ROM when any of its files is set.
		 */
		private final CloudInit cloudInit = new CloudInit();

		public CloudInit getCloudInit() {
			return this.cloudInit;
		}

		public Resource getXml() {
			return this.xml;
		}

		public void setXml(Resource xml) {
			this.xml = xml;
		}

		public String getInlineXml() {
			return this.inlineXml;
		}

		public void setInlineXml(String inlineXml) {
			this.inlineXml = inlineXml;
		}

		public boolean isAutostart() {
			return this.autostart;
		}

		public void setAutostart(boolean autostart) {
			this.autostart = autostart;
		}

		public boolean isPersistent() {
			return this.persistent;
		}

		public void setPersistent(boolean persistent) {
			this.persistent = persistent;
		}

		public OnChange getOnChange() {
			return this.onChange;
		}

		public void setOnChange(OnChange onChange) {
			this.onChange = onChange;
		}

	}

	/**
	 * The files of a declared domain's cloud-init seed, each either a resource
	 * ('classpath:...', 'file:...') or inline text; the two forms of one file are
	 * exclusive.
	 */
	public static class CloudInit {

		/** Location of the 'meta-data' file (instance-id, local-hostname). */
		private Resource metaData;

		/** The 'meta-data' text itself. */
		private String inlineMetaData;

		/**
		 * Location of the 'user-data' file (#cloud-config, a script, or MIME multipart).
		 */
		private Resource userData;

		/** The 'user-data' text itself. */
		private String inlineUserData;

		/** Location of the optional 'vendor-data' file. */
		private Resource vendorData;

		/** The optional 'vendor-data' text itself. */
		private String inlineVendorData;

		/**
		 * Location of the optional 'network-config' file (network configuration version 1
		 * or 2).
		 */
		private Resource networkConfig;

		/** The optional 'network-config' text itself. */
		private String inlineNetworkConfig;

		public Resource getMetaData() {
			return this.metaData;
		}

		public void setMetaData(Resource metaData) {
			this.metaData = metaData;
		}

		public String getInlineMetaData() {
			return this.inlineMetaData;
		}

		public void setInlineMetaData(String inlineMetaData) {
			this.inlineMetaData = inlineMetaData;
		}

		public Resource getUserData() {
			return this.userData;
		}

		public void setUserData(Resource userData) {
			this.userData = userData;
		}

		public String getInlineUserData() {
			return this.inlineUserData;
		}

		public void setInlineUserData(String inlineUserData) {
			this.inlineUserData = inlineUserData;
		}

		public Resource getVendorData() {
			return this.vendorData;
		}

		public void setVendorData(Resource vendorData) {
			this.vendorData = vendorData;
		}

		public String getInlineVendorData() {
			return this.inlineVendorData;
		}

		public void setInlineVendorData(String inlineVendorData) {
			this.inlineVendorData = inlineVendorData;
		}

		public Resource getNetworkConfig() {
			return this.networkConfig;
		}

		public void setNetworkConfig(Resource networkConfig) {
			this.networkConfig = networkConfig;
		}

		public String getInlineNetworkConfig() {
			return this.inlineNetworkConfig;
		}

		public void setInlineNetworkConfig(String inlineNetworkConfig) {
			this.inlineNetworkConfig = inlineNetworkConfig;
		}

		/** Whether any file is set. */
		public boolean isConfigured() {
			return this.metaData != null || this.inlineMetaData != null || this.userData != null
					|| this.inlineUserData != null || this.vendorData != null || this.inlineVendorData != null
					|| this.networkConfig != null || this.inlineNetworkConfig != null;
		}

	}

	/**
	 * What happens when a declared domain's XML changed since the existing domain was
	 * defined.
	 */
	public enum OnChange {

		/**
		 * The existing definition stays; the declared XML is ignored until the domain is
		 * undefined.
		 */
		KEEP,
		/**
		 * The declared XML is defined; a running VM keeps its old definition until it
		 * next starts (as libvirt does when a running domain is redefined).
		 */
		REDEFINE,
		/**
		 * The declared XML is defined and a running VM is shut down and started again on
		 * it.
		 */
		RESTART

	}

	/** Actuator support: health, the {@code qemu} endpoint, info and metrics. */
	public static class Actuator {

		/**
		 * Whether the 'qemu' endpoint offers write operations (start, shutdown, destroy,
		 * reboot, suspend, resume). Deprecated: true stands for
		 * management.endpoint.qemu.access=unrestricted, Boot's own switch, unless that is
		 * set.
		 */
		private boolean writeOperations;

		/**
		 * Longest time health, the endpoint and metrics wait for one VM's figures; a VM
		 * that does not answer in time is reported with its last known values, marked
		 * stale.
		 */
		private Duration timeout = Duration.ofSeconds(2);

		/**
		 * Health status of the 'qemu' contributor while a VM that crashed has not been
		 * started again. The default, DEGRADED, is not in the default status order, so it
		 * shows in the component but leaves the aggregate status and the HTTP code (200)
		 * alone; use OUT_OF_SERVICE or DOWN to fail readiness instead.
		 */
		private String crashedStatus = "DEGRADED";

		@Deprecated(since = "0.1.0", forRemoval = true)
		@DeprecatedConfigurationProperty(replacement = "management.endpoint.qemu.access",
				reason = "Boot's endpoint access model: 'unrestricted' turns the write operations on", since = "0.1.0")
		public boolean isWriteOperations() {
			return this.writeOperations;
		}

		@Deprecated(since = "0.1.0", forRemoval = true)
		public void setWriteOperations(boolean writeOperations) {
			this.writeOperations = writeOperations;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public String getCrashedStatus() {
			return this.crashedStatus;
		}

		public void setCrashedStatus(String crashedStatus) {
			this.crashedStatus = crashedStatus;
		}

	}

	/** Checks of how the application is exposed to the network. */
	public static class Security {

		/**
		 * Whether to refuse to start, instead of logging a warning, when write operations
		 * are on and either the server or management port listens on a non-loopback
		 * address without Spring Security, or the server is reactive (its requests cannot
		 * be told from the application's own calls).
		 */
		private boolean strict;

		public boolean isStrict() {
			return this.strict;
		}

		public void setStrict(boolean strict) {
			this.strict = strict;
		}

	}

}
