package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.QemuDriver;

/** The guest began to shut down; a {@link DomainStoppedEvent} follows. */
public class DomainShuttingDownEvent extends DomainLifecycleEvent {

	public DomainShuttingDownEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

}
