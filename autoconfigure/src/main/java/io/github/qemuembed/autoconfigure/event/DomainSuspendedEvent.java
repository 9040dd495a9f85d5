package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.QemuDriver;

/** A domain's vCPUs were paused. */
public class DomainSuspendedEvent extends DomainLifecycleEvent {

	public DomainSuspendedEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

}
