package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.StateReason;

/**
 * A domain's QEMU is gone; {@link #getReason()} tells why (shutdown, destroyed, crashed,
 * failed).
 */
public class DomainStoppedEvent extends DomainLifecycleEvent {

	public DomainStoppedEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

	/**
	 * Why the domain stopped, e.g. {@link StateReason#SHUTOFF_SHUTDOWN} or
	 * {@link StateReason#SHUTOFF_DESTROYED}.
	 */
	public StateReason getReason() {
		return getStatus().reason();
	}

}
