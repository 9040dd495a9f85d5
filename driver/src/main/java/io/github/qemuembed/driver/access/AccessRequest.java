package io.github.qemuembed.driver.access;

import java.util.Objects;
import java.util.Optional;

/**
 * One access check: the permission asked for, the domain it is about (empty for
 * {@code connect.*} and {@code secret.*} permissions), the secret's UUID for secret
 * permissions, and the caller (empty for the application's own calls;
 * {@link Caller#ANONYMOUS} for an unauthenticated caller from outside the application).
 */
public record AccessRequest(Permission permission, Optional<DomainIdentity> domain, Optional<String> objectName,
		Optional<Caller> caller) {

	public AccessRequest {
		Objects.requireNonNull(permission, "permission");
		Objects.requireNonNull(domain, "domain");
		Objects.requireNonNull(objectName, "objectName");
		Objects.requireNonNull(caller, "caller");
	}

	public static AccessRequest connect(Permission permission, Optional<Caller> caller) {
		return new AccessRequest(permission, Optional.empty(), Optional.empty(), caller);
	}

	public static AccessRequest domain(Permission permission, DomainIdentity domain, Optional<Caller> caller) {
		return new AccessRequest(permission, Optional.of(domain), Optional.of(domain.name()), caller);
	}

	/** A request about another kind of object (a secret, by UUID; a network, by name). */
	public static AccessRequest object(Permission permission, String objectName, Optional<Caller> caller) {
		return new AccessRequest(permission, Optional.empty(), Optional.of(objectName), caller);
	}

	/** A short description for messages: {@code domain.start on domain 'web'}. */
	public String describe() {
		return this.permission.libvirtName()
				+ this.objectName.map((n) -> " on " + this.permission.object() + " '" + n + "'").orElse("")
				+ this.caller.map((c) -> c.anonymous() ? " for an anonymous caller" : " for '" + c.name() + "'")
					.orElse("");
	}

}
