package io.github.qemuembed.driver;

/** Kinds of lifecycle events, after libvirt's {@code virDomainEventType}. */
public enum DomainEventType {

	DEFINED, UNDEFINED, STARTED, SUSPENDED, RESUMED,
	/** The guest began to shut down (QMP {@code SHUTDOWN} seen); STOPPED follows. */
	SHUTDOWN,
	/** QEMU is gone; {@link DomainEvent#status()} tells why (shutdown, destroyed, crashed, failed). */
	STOPPED,
	/** The domain stopped because QEMU or the guest crashed; sent in addition to STOPPED. */
	CRASHED,
	/** The guest rebooted (QMP {@code RESET}). */
	REBOOTED

}
