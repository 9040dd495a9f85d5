package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.QemuDriver;

/**
 * A domain's state was saved to a file (save or managed save); a
 * {@link DomainStoppedEvent} follows.
 */
public class DomainSavedEvent extends DomainLifecycleEvent {

	public DomainSavedEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

}
