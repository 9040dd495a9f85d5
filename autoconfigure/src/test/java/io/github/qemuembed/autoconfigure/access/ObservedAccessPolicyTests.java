package io.github.qemuembed.autoconfigure.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.access.DomainIdentity;
import io.github.qemuembed.driver.access.Permission;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which decisions reach the audit: web calls that write, and refusals within requests
 * that write.
 */
class ObservedAccessPolicyTests {

	private final List<String> told = new ArrayList<>();

	private final AccessPolicy readOnly = HttpAccessListener.observing(
			(request) -> PropertiesAccessPolicy.READ_ONLY.contains(request.permission()),
			List.of((request, allowed, origin) -> this.told.add(request.permission().libvirtName() + " "
					+ (allowed ? "granted" : "denied") + " from " + origin.remoteAddress())));

	@Test
	void writesAreToldAllowedOrDeniedAndReadsAreNot() {
		during("GET", () -> {
			this.readOnly.isAllowed(request(Permission.DOMAIN_READ));
			this.readOnly.isAllowed(request(Permission.DOMAIN_STOP));
		});
		assertThat(this.told).containsExactly("domain.stop denied from 192.0.2.9");
	}

	@Test
	void aRefusedReadWithinARequestThatWritesIsToldToo() {
		AccessPolicy nothing = HttpAccessListener.observing(AccessPolicy.denyAll(),
				List.of((request, allowed, origin) -> this.told.add(request.permission().libvirtName())));
		during("POST", () -> nothing.isAllowed(request(Permission.DOMAIN_GETATTR)));
		during("GET", () -> nothing.isAllowed(request(Permission.DOMAIN_GETATTR)));
		during("POST", () -> this.readOnly.isAllowed(request(Permission.DOMAIN_GETATTR)));
		assertThat(this.told).containsExactly("domain.getattr");
	}

	@Test
	void theApplicationsOwnCallsAreNotTold() {
		this.readOnly.isAllowed(request(Permission.DOMAIN_STOP));
		assertThat(this.told).isEmpty();
	}

	@Test
	void withoutListenersThePolicyIsUnchanged() {
		AccessPolicy policy = AccessPolicy.allowAll();
		assertThat(HttpAccessListener.observing(policy, List.of())).isSameAs(policy);
	}

	private static void during(String method, Runnable call) {
		HttpOrigins.runWith(HttpOrigin.of("192.0.2.9", method, () -> null), call);
	}

	private static AccessRequest request(Permission permission) {
		return AccessRequest.domain(permission, new DomainIdentity("web", UUID.randomUUID()),
				Optional.of(Caller.ANONYMOUS));
	}

}
