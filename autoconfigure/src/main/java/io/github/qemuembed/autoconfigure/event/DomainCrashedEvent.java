package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.QemuDriver;

/**
 * A domain stopped because QEMU or the guest crashed; published in addition to its
 * {@link DomainStoppedEvent}.
 */
public class DomainCrashedEvent extends DomainLifecycleEvent {

	public DomainCrashedEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

}
