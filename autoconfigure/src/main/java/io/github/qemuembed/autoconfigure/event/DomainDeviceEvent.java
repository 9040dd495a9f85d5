package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.QemuDriver;

/**
 * A device was attached to or detached from a domain: {@link #isAdded()} says which; the
 * detail names the device and whether the running domain, its definition or both changed
 * (e.g. {@code disk vdb (live, config)}).
 */
public class DomainDeviceEvent extends DomainLifecycleEvent {

	public DomainDeviceEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver, domainEvent);
	}

	/** Whether the device was added ({@code DEVICE_ADDED}) rather than removed. */
	public boolean isAdded() {
		return getDomainEvent().type() == DomainEventType.DEVICE_ADDED;
	}

}
