package io.github.qemuembed.driver.access;

/**
 * Decides whether an operation may proceed, like libvirt's access manager. The driver
 * asks it before every public operation; a driver cannot be opened without one (there is
 * no silent allow-all).
 */
@FunctionalInterface
public interface AccessPolicy {

	boolean isAllowed(AccessRequest request);

	/**
	 * A policy that allows everything: for applications that own all their VMs and have
	 * no principals.
	 */
	static AccessPolicy allowAll() {
		return NamedPolicy.ALLOW_ALL;
	}

	/** A policy that refuses everything. */
	static AccessPolicy denyAll() {
		return NamedPolicy.DENY_ALL;
	}

	/** Named constants so that they print well in logs. */
	enum NamedPolicy implements AccessPolicy {

		ALLOW_ALL(true), DENY_ALL(false);

		private final boolean allowed;

		NamedPolicy(boolean allowed) {
			this.allowed = allowed;
		}

		@Override
		public boolean isAllowed(AccessRequest request) {
			return this.allowed;
		}

	}

}
