package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.QemuDriver;

/**
 * A snapshot was taken, reverted to or deleted: {@link #getKind()} says which,
 * {@link #getSnapshotName()} names it.
 */
public class DomainSnapshotEvent extends DomainLifecycleEvent {

	public DomainSnapshotEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

	/**
	 * {@code SNAPSHOT_CREATED}, {@code SNAPSHOT_REVERTED} or {@code SNAPSHOT_DELETED}.
	 */
	public DomainEventType getKind() {
		return getDomainEvent().type();
	}

	/** The snapshot's name. */
	public String getSnapshotName() {
		return getDomainEvent().detail();
	}

}
