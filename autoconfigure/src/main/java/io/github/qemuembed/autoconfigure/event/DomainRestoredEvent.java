package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.QemuDriver;

/**
 * A saved state runs again (restore, or a start that resumed a managed save), after its
 * {@link DomainStartedEvent}.
 */
public class DomainRestoredEvent extends DomainLifecycleEvent {

	public DomainRestoredEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

}
