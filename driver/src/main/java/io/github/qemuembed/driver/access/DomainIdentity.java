package io.github.qemuembed.driver.access;

import java.util.Objects;
import java.util.UUID;

/** The domain an access check is about. */
public record DomainIdentity(String name, UUID uuid) {

	public DomainIdentity {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(uuid, "uuid");
	}

}
