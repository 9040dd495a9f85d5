package io.github.qemuembed.autoconfigure.access;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.github.qemuembed.autoconfigure.QemuEmbedProperties;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties.AnonymousCalls;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties.ApplicationCalls;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties.Decision;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.access.DomainIdentity;
import io.github.qemuembed.driver.access.Permission;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class PropertiesAccessPolicyTests {

	private static final Caller ALICE = Caller.of("alice", "ROLE_OPERATOR");

	private static final Caller BOB = Caller.of("bob", "SCOPE_vm.read");

	private final QemuEmbedProperties.Access access = new QemuEmbedProperties.Access();

	@Test
	void applicationCallsAreAllowedByDefaultAndPrincipalsNeedARule() {
		PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(this.access);
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_STOP, "web", null))).isTrue();
		assertThat(policy.isAllowed(connect(Permission.CONNECT_GETATTR, null))).isTrue();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "web", ALICE))).isFalse();
		assertThat(policy.isAllowed(connect(Permission.CONNECT_GETATTR, ALICE))).isFalse();
	}

	@Test
	void applicationCallsCanBeDenied() {
		this.access.setApplicationCalls(ApplicationCalls.DENY);
		this.access.setRules(List.of(rule(List.of("*"), List.of("*"), Decision.ALLOW)));
		PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(this.access);
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "web", null))).isFalse();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "web", ALICE))).isTrue();
	}

	@Test
	void applicationCallsCanGoThroughRulesThatNameNoCaller() {
		this.access.setApplicationCalls(ApplicationCalls.RULES);
		QemuEmbedProperties.Rule operators = rule(List.of("domain.*"), List.of("*"), Decision.ALLOW);
		operators.setRoles(List.of("OPERATOR"));
		QemuEmbedProperties.Rule everyoneReads = rule(List.of("domain.read"), List.of("*"), Decision.ALLOW);
		this.access.setRules(List.of(operators, everyoneReads));
		PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(this.access);
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "web", null))).isTrue();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_START, "web", null))).isFalse();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_START, "web", ALICE))).isTrue();
	}

	@Test
	void rolesMatchWithOrWithoutPrefixAndAuthoritiesAsIs() {
		QemuEmbedProperties.Rule byRole = rule(List.of("domain.start"), List.of("*"), Decision.ALLOW);
		byRole.setRoles(List.of("ROLE_OPERATOR"));
		QemuEmbedProperties.Rule byAuthority = rule(List.of("domain.read"), List.of("*"), Decision.ALLOW);
		byAuthority.setAuthorities(List.of("SCOPE_vm.read"));
		this.access.setRules(List.of(byRole, byAuthority));
		PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(this.access);
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_START, "web", ALICE))).isTrue();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_START, "web", BOB))).isFalse();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "web", BOB))).isTrue();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "web", ALICE))).isFalse();
	}

	@Test
	void principalsMatchByName() {
		QemuEmbedProperties.Rule rule = rule(List.of("*"), List.of("*"), Decision.ALLOW);
		rule.setPrincipals(List.of("bob"));
		this.access.setRules(List.of(rule));
		PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(this.access);
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_DELETE, "web", BOB))).isTrue();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_DELETE, "web", ALICE))).isFalse();
	}

	@Test
	void firstMatchingRuleWins() {
		QemuEmbedProperties.Rule denyProd = rule(List.of("domain.stop", "domain.init_control"), List.of("prod-*"),
				Decision.DENY);
		QemuEmbedProperties.Rule allowAll = rule(List.of("domain.*"), List.of("*"), Decision.ALLOW);
		this.access.setRules(List.of(denyProd, allowAll));
		PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(this.access);
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_STOP, "prod-db", ALICE))).isFalse();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_INIT_CONTROL, "prod-db", ALICE))).isFalse();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_START, "prod-db", ALICE))).isTrue();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_STOP, "test-db", ALICE))).isTrue();
		// the wildcard is per object: domain.* does not cover connect.*
		assertThat(policy.isAllowed(connect(Permission.CONNECT_SEARCH_DOMAINS, ALICE))).isFalse();
	}

	@Test
	void domainPatternsAreGlobsNotRegularExpressions() {
		this.access.setRules(List.of(rule(List.of("*"), List.of("web.*-?", "*db"), Decision.ALLOW)));
		PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(this.access);
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "web.eu-?", ALICE))).isTrue();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "web.eu-1", ALICE))).isFalse();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "webXeu-?", ALICE))).isFalse();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "main-db", ALICE))).isTrue();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "db1", ALICE))).isFalse();
	}

	@Test
	void requestsAboutNoDomainMatchOnlyRulesForEveryDomain() {
		QemuEmbedProperties.Rule someDomains = rule(List.of("*"), List.of("web-*"), Decision.ALLOW);
		this.access.setRules(List.of(someDomains));
		assertThat(PropertiesAccessPolicy.of(this.access).isAllowed(connect(Permission.CONNECT_GETATTR, ALICE)))
			.isFalse();
		this.access.setRules(List.of(someDomains, rule(List.of("connect.*"), List.of("*"), Decision.ALLOW)));
		assertThat(PropertiesAccessPolicy.of(this.access).isAllowed(connect(Permission.CONNECT_GETATTR, ALICE)))
			.isTrue();
	}

	@Test
	void anonymousCallersOnlyReadByDefaultWhateverTheApplicationCallsMayDo() {
		PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(this.access);
		for (Permission permission : Permission.values()) {
			boolean read = permission == Permission.CONNECT_GETATTR || permission == Permission.CONNECT_READ
					|| permission == Permission.CONNECT_SEARCH_DOMAINS || permission == Permission.DOMAIN_GETATTR
					|| permission == Permission.DOMAIN_READ;
			AccessRequest request = permission.object().equals("domain") ? domain(permission, "web", Caller.ANONYMOUS)
					: connect(permission, Caller.ANONYMOUS);
			assertThat(policy.isAllowed(request)).as(permission.libvirtName()).isEqualTo(read);
		}
		assertThat(policy.anonymousOpenings()).isEmpty();
	}

	@Test
	void rulesForEveryoneDoNotCoverAnonymousCallers() {
		this.access.setRules(List.of(rule(List.of("*"), List.of("*"), Decision.ALLOW)));
		PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(this.access);
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_STOP, "web", ALICE))).isTrue();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_STOP, "web", Caller.ANONYMOUS))).isFalse();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ_SECURE, "web", Caller.ANONYMOUS))).isFalse();
	}

	@Test
	void aRuleNamingAnonymousDecidesForAnonymousCallersOnly() {
		QemuEmbedProperties.Rule anonymousStartsWeb = rule(List.of("domain.start"), List.of("web"), Decision.ALLOW);
		anonymousStartsWeb.setPrincipals(List.of("anonymous"));
		QemuEmbedProperties.Rule noAnonymousReads = rule(List.of("domain.read"), List.of("secret-*"), Decision.DENY);
		noAnonymousReads.setPrincipals(List.of("anonymous"));
		this.access.setRules(List.of(anonymousStartsWeb, noAnonymousReads));
		PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(this.access);
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_START, "web", Caller.ANONYMOUS))).isTrue();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_START, "db", Caller.ANONYMOUS))).isFalse();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "secret-db", Caller.ANONYMOUS))).isFalse();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "web", Caller.ANONYMOUS))).isTrue();
		// neither a principal who happens to be called 'anonymous' nor the application
		// match the rule
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_START, "web", Caller.of("anonymous")))).isFalse();
		this.access.setApplicationCalls(ApplicationCalls.RULES);
		assertThat(PropertiesAccessPolicy.of(this.access).isAllowed(domain(Permission.DOMAIN_START, "web", null)))
			.isFalse();
		assertThat(policy.anonymousOpenings()).singleElement()
			.asString()
			.startsWith("qemu.embed.access.rules[0] allows anonymous callers more than reading")
			.contains("domain.start");
	}

	@Test
	void anonymousCallsCanBeDeniedOrOpened() {
		this.access.setAnonymousCalls(AnonymousCalls.DENY);
		PropertiesAccessPolicy denied = PropertiesAccessPolicy.of(this.access);
		assertThat(denied.isAllowed(domain(Permission.DOMAIN_GETATTR, "web", Caller.ANONYMOUS))).isFalse();
		assertThat(denied.isAllowed(connect(Permission.CONNECT_SEARCH_DOMAINS, Caller.ANONYMOUS))).isFalse();
		assertThat(denied.anonymousOpenings()).isEmpty();
		this.access.setAnonymousCalls(AnonymousCalls.ALLOW);
		PropertiesAccessPolicy open = PropertiesAccessPolicy.of(this.access);
		assertThat(open.isAllowed(domain(Permission.DOMAIN_STOP, "web", Caller.ANONYMOUS))).isTrue();
		assertThat(open.anonymousOpenings()).singleElement()
			.asString()
			.startsWith("qemu.embed.access.anonymous-calls=allow");
	}

	@Test
	void anEmptyAnonymousCallsSettingIsTheDefault() {
		this.access.setAnonymousCalls(null);
		PropertiesAccessPolicy policy = PropertiesAccessPolicy.of(this.access);
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_READ, "web", Caller.ANONYMOUS))).isTrue();
		assertThat(policy.isAllowed(domain(Permission.DOMAIN_STOP, "web", Caller.ANONYMOUS))).isFalse();
		assertThat(policy)
			.hasToString("PropertiesAccessPolicy[application-calls=allow, anonymous-calls=read-only, 0 rule(s)]");
	}

	@Test
	void aRuleNamingAnonymousThatOnlyReadsOpensNothing() {
		QemuEmbedProperties.Rule reads = rule(List.of("domain.getattr", "domain.read"), List.of("*"), Decision.ALLOW);
		reads.setPrincipals(List.of("anonymous"));
		QemuEmbedProperties.Rule denies = rule(List.of("*"), List.of("*"), Decision.DENY);
		denies.setPrincipals(List.of("anonymous"));
		this.access.setRules(List.of(reads, denies));
		assertThat(PropertiesAccessPolicy.of(this.access).anonymousOpenings()).isEmpty();
	}

	@Test
	void unknownPermissionIsRejectedWithItsProperty() {
		this.access.setRules(List.of(rule(List.of("*"), List.of("*"), Decision.ALLOW),
				rule(List.of("domain.read", "domain.reed"), List.of("*"), Decision.ALLOW)));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> PropertiesAccessPolicy.of(this.access))
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("qemu.embed.access.rules[1].permissions");
				assertThat(ex.getValue()).isEqualTo("domain.reed");
			});
	}

	@Test
	void unknownPermissionObjectIsRejected() {
		this.access.setRules(List.of(rule(List.of("network.*"), List.of("*"), Decision.ALLOW)));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> PropertiesAccessPolicy.of(this.access))
			.withMessageContaining("Unknown permission object 'network'");
	}

	@Test
	void emptyPermissionListIsRejected() {
		this.access.setRules(List.of(rule(List.of(), List.of("*"), Decision.ALLOW)));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> PropertiesAccessPolicy.of(this.access))
			.withMessageContaining("at least one permission");
	}

	private static QemuEmbedProperties.Rule rule(List<String> permissions, List<String> domains, Decision decision) {
		QemuEmbedProperties.Rule rule = new QemuEmbedProperties.Rule();
		rule.setPermissions(permissions);
		rule.setDomains(domains);
		rule.setDecision(decision);
		return rule;
	}

	private static AccessRequest domain(Permission permission, String name, Caller caller) {
		return AccessRequest.domain(permission, new DomainIdentity(name, UUID.randomUUID()),
				Optional.ofNullable(caller));
	}

	private static AccessRequest connect(Permission permission, Caller caller) {
		return AccessRequest.connect(permission, Optional.ofNullable(caller));
	}

}
