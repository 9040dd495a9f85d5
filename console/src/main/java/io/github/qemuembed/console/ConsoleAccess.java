package io.github.qemuembed.console;

import java.util.Optional;
import java.util.UUID;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.access.DomainIdentity;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.error.AccessDeniedException;

/**
 * Asks the driver's access policy (observed the way the driver's is, so that decisions
 * that write are audited) about the console's callers, for the two things the console
 * does outside a driver call of the caller's own: a browser that joins a console another
 * browser already holds open ({@code domain.open_device}: QEMU serves one console client,
 * which the console shares), and each page's share of the dashboard's single sampler
 * ({@code domain.read}).
 * <p>
 * A web request is never the application itself: a request for which the caller supplier
 * names nobody is the anonymous caller here.
 */
final class ConsoleAccess {

	private final AccessPolicy policy;

	private final CallerSupplier callers;

	ConsoleAccess(AccessPolicy policy, CallerSupplier callers) {
		this.policy = policy;
		this.callers = callers;
	}

	/** The caller of the current web request. */
	Caller currentCaller() {
		return this.callers.currentCaller().orElse(Caller.ANONYMOUS);
	}

	/**
	 * Checks a permission for the current web request's caller.
	 * @throws AccessDeniedException if the policy refuses
	 */
	void check(Permission permission, Domain domain) {
		AccessRequest request = AccessRequest.domain(permission, new DomainIdentity(domain.name(), domain.uuid()),
				Optional.of(currentCaller()));
		if (!this.policy.isAllowed(request)) {
			throw new AccessDeniedException(request);
		}
	}

	/**
	 * Whether {@code caller} may read a domain (no audit: plain reads leave no trace).
	 */
	boolean mayRead(Caller caller, String name, UUID uuid) {
		Optional<Caller> who = Optional.of(caller);
		DomainIdentity identity = new DomainIdentity(name, uuid);
		return this.policy.isAllowed(AccessRequest.domain(Permission.DOMAIN_GETATTR, identity, who))
				&& this.policy.isAllowed(AccessRequest.domain(Permission.DOMAIN_READ, identity, who));
	}

}
