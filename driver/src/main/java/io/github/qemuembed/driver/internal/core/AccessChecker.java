package io.github.qemuembed.driver.internal.core;

import java.util.Objects;
import java.util.Optional;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.access.DomainIdentity;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.error.AccessDeniedException;

/**
 * Asks the policy, with the current caller, and turns a refusal into
 * {@link AccessDeniedException}.
 */
final class AccessChecker {

	private final AccessPolicy policy;

	private final CallerSupplier callers;

	public AccessChecker(AccessPolicy policy, CallerSupplier callers) {
		this.policy = Objects.requireNonNull(policy, "policy");
		this.callers = Objects.requireNonNull(callers, "callers");
	}

	public void check(Permission permission) {
		require(AccessRequest.connect(permission, caller()));
	}

	public void check(Permission permission, DomainIdentity domain) {
		require(AccessRequest.domain(permission, domain, caller()));
	}

	public void checkObject(Permission permission, String objectName) {
		require(AccessRequest.object(permission, objectName, caller()));
	}

	public boolean allows(Permission permission, DomainIdentity domain) {
		return this.policy.isAllowed(AccessRequest.domain(permission, domain, caller()));
	}

	private void require(AccessRequest request) {
		if (!this.policy.isAllowed(request)) {
			throw new AccessDeniedException(request);
		}
	}

	private Optional<Caller> caller() {
		Optional<Caller> caller = this.callers.currentCaller();
		return (caller != null) ? caller : Optional.empty();
	}

}
