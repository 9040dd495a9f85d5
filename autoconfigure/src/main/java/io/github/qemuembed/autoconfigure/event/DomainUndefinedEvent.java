package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.QemuDriver;

/** A domain's persistent definition was removed. */
public class DomainUndefinedEvent extends DomainLifecycleEvent {

	public DomainUndefinedEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

}
