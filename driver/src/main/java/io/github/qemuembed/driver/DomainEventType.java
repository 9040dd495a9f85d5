package io.github.qemuembed.driver;

/** Kinds of lifecycle events, after libvirt's {@code virDomainEventType}. */
public enum DomainEventType {

	DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED,
	/** The guest began to shut down (QMP {@code SHUTDOWN} seen); STOPPED follows. */
	SHUTDOWN,
	/**
	 * QEMU is gone; {@link DomainEvent#status()} tells why (shutdown, destroyed, crashed,
	 * failed).
	 */
	STOPPED,
	/**
	 * The domain stopped because QEMU or the guest crashed; sent in addition to STOPPED.
	 */
	CRASHED,
	/** The guest rebooted (QMP {@code RESET}). */
	REBOOTED,
	/**
	 * The state was saved to a file ({@code save}, {@code managedSave}); STOPPED
	 * (shutoff/saved) follows.
	 */
	SAVED,
	/**
	 * A saved state runs again ({@code restore}, or a start that resumed a managed save);
	 * after STARTED.
	 */
	RESTORED,
	/** A snapshot was taken; the detail is its name. */
	SNAPSHOT_CREATED,
	/** The domain was reverted to a snapshot; the detail is its name. */
	SNAPSHOT_REVERTED,
	/** A snapshot was deleted; the detail is its name. */
	SNAPSHOT_DELETED,
	/**
	 * A device was hot-plugged or added to the definition; the detail names it (e.g.
	 * {@code disk vdb}).
	 */
	DEVICE_ADDED,
	/** A device was unplugged or removed from the definition; the detail names it. */
	DEVICE_REMOVED

}
