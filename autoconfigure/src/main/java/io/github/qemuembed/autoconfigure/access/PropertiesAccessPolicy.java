package io.github.qemuembed.autoconfigure.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import io.github.qemuembed.autoconfigure.QemuEmbedProperties;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties.ApplicationCalls;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties.Decision;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.access.Permission;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * The {@link AccessPolicy} described by {@code qemu.embed.access}: calls without a principal are
 * decided by {@code application-calls} (allowed by default); every other call goes through the
 * rules in order, the first rule that matches decides, and a call no rule matches is denied.
 */
public final class PropertiesAccessPolicy implements AccessPolicy {

	private static final String PREFIX = "qemu.embed.access.rules";

	private final ApplicationCalls applicationCalls;

	private final List<CompiledRule> rules;

	private PropertiesAccessPolicy(ApplicationCalls applicationCalls, List<CompiledRule> rules) {
		this.applicationCalls = applicationCalls;
		this.rules = rules;
	}

	/**
	 * Builds the policy from the properties.
	 * @throws InvalidConfigurationPropertyValueException if a rule names an unknown permission or
	 * is empty
	 */
	public static PropertiesAccessPolicy of(QemuEmbedProperties.Access access) {
		List<CompiledRule> rules = new ArrayList<>();
		List<QemuEmbedProperties.Rule> source = access.getRules();
		for (int i = 0; i < source.size(); i++) {
			rules.add(CompiledRule.of(PREFIX + "[" + i + "]", source.get(i)));
		}
		return new PropertiesAccessPolicy(access.getApplicationCalls(), List.copyOf(rules));
	}

	@Override
	public boolean isAllowed(AccessRequest request) {
		if (request.caller().isEmpty()) {
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

	@Override
	public String toString() {
		return "PropertiesAccessPolicy[application-calls=" + this.applicationCalls.name().toLowerCase(Locale.ROOT)
				+ ", " + this.rules.size() + " rule(s)]";
	}

	private static final class CompiledRule {

		private final Predicate<Permission> permission;

		private final List<Pattern> domains;

		private final boolean anyDomain;

		private final List<String> principals;

		private final List<String> authorities;

		private final boolean allow;

		private CompiledRule(Predicate<Permission> permission, List<Pattern> domains, boolean anyDomain,
				List<String> principals, List<String> authorities, boolean allow) {
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
			return new CompiledRule(permission, domains, anyDomain, List.copyOf(rule.getPrincipals()),
					List.copyOf(authorities), rule.getDecision() == Decision.ALLOW);
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
			return this.permission.test(request.permission()) && matchesDomain(request)
					&& matchesCaller(request.caller());
		}

		private boolean matchesDomain(AccessRequest request) {
			if (request.domain().isEmpty()) {
				// connect.* and secret.* checks are about no domain: only a rule for every domain covers them
				return this.anyDomain;
			}
			String name = request.domain().get().name();
			return this.domains.stream().anyMatch((p) -> p.matcher(name).matches());
		}

		private boolean matchesCaller(Optional<Caller> caller) {
			if (this.principals.isEmpty() && this.authorities.isEmpty()) {
				return true;
			}
			if (caller.isEmpty()) {
				return false;
			}
			Caller c = caller.get();
			return this.principals.contains(c.name()) || this.authorities.stream().anyMatch(c::hasAuthority);
		}

	}

}
