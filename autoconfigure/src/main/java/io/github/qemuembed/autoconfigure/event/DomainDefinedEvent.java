package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.QemuDriver;

/** A domain was defined or redefined. */
public class DomainDefinedEvent extends DomainLifecycleEvent {

	public DomainDefinedEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

}
