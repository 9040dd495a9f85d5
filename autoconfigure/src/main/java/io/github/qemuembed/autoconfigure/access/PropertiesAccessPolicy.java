package io.github.qemuembed.autoconfigure.access;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.github.qemuembed.autoconfigure.QemuEmbedProperties;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties.AnonymousCalls;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties.ApplicationCalls;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties.Decision;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.access.Permission;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The {@link AccessPolicy} described by {@code qemu.embed.access}. Three kinds of caller
 * are never confused:
 * <ul>
 * <li>the application's own calls (no caller) are decided by {@code application-calls}
 * (allowed by default);</li>
 * <li>an anonymous caller ({@link Caller#ANONYMOUS}: a web request without an
 * authenticated principal) is decided by the rules whose principals name
 * {@code anonymous}, first match wins, and then by {@code anonymous-calls} (read-only by
 * default); no other rule applies to it;</li>
 * <li>an authenticated principal goes through the rules in order, the first rule that
 * matches decides, and a call no rule matches is denied.</li>
 * </ul>
 */
public final class PropertiesAccessPolicy implements AccessPolicy {

	private static final String PREFIX = "qemu.embed.access.rules";

	/** The principal name in rules that stands for anonymous callers. */
	static final String ANONYMOUS = "anonymous";

	/**
	 * What an anonymous caller may do by default: what libvirt's read-only connection
	 * allows on domains (list them, read their state and XML without secrets).
	 */
	static final Set<Permission> READ_ONLY = Collections
		.unmodifiableSet(EnumSet.of(Permission.CONNECT_GETATTR, Permission.CONNECT_READ,
				Permission.CONNECT_SEARCH_DOMAINS, Permission.DOMAIN_GETATTR, Permission.DOMAIN_READ));

	private final ApplicationCalls applicationCalls;

	private final AnonymousCalls anonymousCalls;

	private final List<CompiledRule> rules;

	private PropertiesAccessPolicy(ApplicationCalls applicationCalls, AnonymousCalls anonymousCalls,
			List<CompiledRule> rules) {
		this.applicationCalls = applicationCalls;
		this.anonymousCalls = anonymousCalls;
		this.rules = rules;
	}

	/**
	 * Builds the policy from the properties.
	 * @throws InvalidConfigurationPropertyValueException if a rule names an unknown
	 * permission or is empty
	 */
	public static PropertiesAccessPolicy of(QemuEmbedProperties.Access access) {
		List<CompiledRule> rules = new ArrayList<>();
		List<QemuEmbedProperties.Rule> source = access.getRules();
		for (int i = 0; i < source.size(); i++) {
			rules.add(CompiledRule.of(PREFIX + "[" + i + "]", source.get(i)));
		}
		// an empty value binds to null: it means the default, not "no decision"
		AnonymousCalls anonymousCalls = Objects.requireNonNullElse(access.getAnonymousCalls(),
				AnonymousCalls.READ_ONLY);
		return new PropertiesAccessPolicy(access.getApplicationCalls(), anonymousCalls, List.copyOf(rules));
	}

	/**
	 * What this policy lets anonymous callers do beyond reading, one sentence per setting
	 * that opens it (naming the property), for the start-up warning; empty when they may
	 * only read.
	 */
	public List<String> anonymousOpenings() {
		List<String> openings = new ArrayList<>();
		if (this.anonymousCalls == AnonymousCalls.ALLOW) {
			openings.add("qemu.embed.access.anonymous-calls=allow gives anonymous callers every permission on every"
					+ " domain");
		}
		for (CompiledRule rule : this.rules) {
			if (rule.namesAnonymous && rule.allow && !rule.onlyReads) {
				openings.add(rule.name + " allows anonymous callers more than reading (permissions "
						+ rule.permissionNames + ", domains " + rule.domainNames + ")");
			}
		}
		return openings;
	}

	@Override
	public boolean isAllowed(AccessRequest request) {
		Optional<Caller> caller = request.caller();
		if (caller.isPresent() && caller.get().anonymous()) {
			return isAllowedForAnonymous(request);
		}
		if (caller.isEmpty()) {
			if (this.applicationCalls == ApplicationCalls.ALLOW) {
				return true;
			}
			if (this.applicationCalls == ApplicationCalls.DENY) {
				return false;
			}
		}
		for (CompiledRule rule : this.rules) {
			if (rule.matches(request)) {
				return rule.allow;
			}
		}
		return false;
	}

	private boolean isAllowedForAnonymous(AccessRequest request) {
		for (CompiledRule rule : this.rules) {
			if (rule.namesAnonymous && rule.matchesObject(request)) {
				return rule.allow;
			}
		}
		return switch (this.anonymousCalls) {
			case READ_ONLY -> READ_ONLY.contains(request.permission());
			case DENY -> false;
			case ALLOW -> true;
		};
	}

	@Override
	public String toString() {
		return "PropertiesAccessPolicy[application-calls=" + this.applicationCalls.name().toLowerCase(Locale.ROOT)
				+ ", anonymous-calls=" + this.anonymousCalls.name().toLowerCase(Locale.ROOT).replace('_', '-') + ", "
				+ this.rules.size() + " rule(s)]";
	}

	private static final class CompiledRule {

		private final String name;

		private final List<String> permissionNames;

		private final List<String> domainNames;

		private final Predicate<Permission> permission;

		private final List<Pattern> domains;

		private final boolean anyDomain;

		private final List<String> principals;

		private final List<String> authorities;

		private final boolean namesAnonymous;

		private final boolean allow;

		private final boolean onlyReads;

		private CompiledRule(String name, QemuEmbedProperties.Rule rule, Predicate<Permission> permission,
				List<Pattern> domains, boolean anyDomain, List<String> principals, List<String> authorities,
				boolean namesAnonymous, boolean allow) {
			this.name = name;
			this.permissionNames = List.copyOf(rule.getPermissions());
			this.domainNames = List.copyOf(rule.getDomains());
			this.namesAnonymous = namesAnonymous;
			this.onlyReads = EnumSet.allOf(Permission.class).stream().filter(permission).allMatch(READ_ONLY::contains);
			this.permission = permission;
			this.domains = domains;
			this.anyDomain = anyDomain;
			this.principals = principals;
			this.authorities = authorities;
			this.allow = allow;
		}

		static CompiledRule of(String name, QemuEmbedProperties.Rule rule) {
			if (rule.getPermissions().isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(name + ".permissions", "",
						"A rule needs at least one permission; use '*' for all of them");
			}
			if (rule.getDomains().isEmpty()) {
				throw new InvalidConfigurationPropertyValueException(name + ".domains", "",
						"A rule needs at least one domain pattern; use '*' for all domains");
			}
			Predicate<Permission> permission = (p) -> false;
			for (String pattern : rule.getPermissions()) {
				permission = permission.or(permissionMatcher(name + ".permissions", pattern.trim()));
			}
			List<Pattern> domains = rule.getDomains().stream().map(CompiledRule::glob).toList();
			boolean anyDomain = rule.getDomains().stream().anyMatch((d) -> d.trim().equals("*"));
			List<String> authorities = new ArrayList<>(rule.getAuthorities());
			rule.getRoles().forEach((role) -> authorities.add(role.startsWith("ROLE_") ? role : "ROLE_" + role));
			List<String> principals = new ArrayList<>(rule.getPrincipals());
			boolean namesAnonymous = principals.removeIf((p) -> p.trim().equals(ANONYMOUS));
			return new CompiledRule(name, rule, permission, domains, anyDomain, List.copyOf(principals),
					List.copyOf(authorities), namesAnonymous, rule.getDecision() == Decision.ALLOW);
		}

		private static Predicate<Permission> permissionMatcher(String property, String pattern) {
			if (pattern.equals("*")) {
				return (p) -> true;
			}
			if (pattern.endsWith(".*")) {
				String object = pattern.substring(0, pattern.length() - 2);
				boolean known = false;
				for (Permission p : Permission.values()) {
					known |= p.object().equals(object);
				}
				if (!known) {
					throw new InvalidConfigurationPropertyValueException(property, pattern,
							"Unknown permission object '" + object + "'; use one of connect.*, domain.*, secret.*");
				}
				return (p) -> p.object().equals(object);
			}
			try {
				Permission permission = Permission.ofLibvirtName(pattern);
				return (p) -> p == permission;
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidConfigurationPropertyValueException(property, pattern,
						"Unknown permission; use libvirt's names such as domain.start or domain.read, "
								+ "a wildcard such as domain.*, or *");
			}
		}

		private static Pattern glob(String glob) {
			StringBuilder regex = new StringBuilder();
			String[] parts = glob.trim().split("\\*", -1);
			for (int i = 0; i < parts.length; i++) {
				if (i > 0) {
					regex.append(".*");
				}
				if (!parts[i].isEmpty()) {
					regex.append(Pattern.quote(parts[i]));
				}
			}
			return Pattern.compile(regex.toString());
		}

		boolean matches(AccessRequest request) {
			return matchesObject(request) && matchesCaller(request.caller());
		}

		/** Whether the permission and the domain match, whoever calls. */
		boolean matchesObject(AccessRequest request) {
			return this.permission.test(request.permission()) && matchesDomain(request);
		}

		private boolean matchesDomain(AccessRequest request) {
			if (request.domain().isEmpty()) {
				// connect.* and secret.* checks are about no domain: only a rule for
				// every domain covers them
				return this.anyDomain;
			}
			String name = request.domain().get().name();
			return this.domains.stream().anyMatch((p) -> p.matcher(name).matches());
		}

		/**
		 * For the application's calls and principals; anonymous callers are matched
		 * apart.
		 */
		private boolean matchesCaller(Optional<Caller> caller) {
			if (this.principals.isEmpty() && this.authorities.isEmpty()) {
				// a rule that names only 'anonymous' is for anonymous callers, not for
				// everyone
				return !this.namesAnonymous;
			}
			if (caller.isEmpty()) {
				return false;
			}
			Caller c = caller.get();
			return this.principals.contains(c.name()) || this.authorities.stream().anyMatch(c::hasAuthority);
		}

	}

}
