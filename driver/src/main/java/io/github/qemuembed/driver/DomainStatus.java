package io.github.qemuembed.driver;

import java.util.Objects;

/**
 * A domain's state and the reason for it, e.g. {@code running/booted} or
 * {@code shutoff/crashed}.
 */
public record DomainStatus(DomainState state, StateReason reason) {

	public DomainStatus {
		Objects.requireNonNull(state, "state");
		Objects.requireNonNull(reason, "reason");
		if (reason.state() != state) {
			throw new IllegalArgumentException("Reason " + reason + " does not belong to state " + state);
		}
	}

	public static DomainStatus of(StateReason reason) {
		return new DomainStatus(reason.state(), reason);
	}

	public boolean isActive() {
		return this.state.isActive();
	}

	@Override
	public String toString() {
		return this.reason.describe();
	}

}
