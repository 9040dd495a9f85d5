package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.QemuDriver;

/** A domain's QEMU was started (or reconnected) and the guest runs. */
public class DomainStartedEvent extends DomainLifecycleEvent {

	public DomainStartedEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

}
