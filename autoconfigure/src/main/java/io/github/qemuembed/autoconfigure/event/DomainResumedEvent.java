package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.QemuDriver;

/** A domain's paused vCPUs run again. */
public class DomainResumedEvent extends DomainLifecycleEvent {

	public DomainResumedEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

}
