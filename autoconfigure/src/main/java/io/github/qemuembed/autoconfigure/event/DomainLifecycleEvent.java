package io.github.qemuembed.autoconfigure.event;

import java.util.UUID;

import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.QemuDriver;

import org.springframework.context.ApplicationEvent;

/**
 * Base of the Spring {@link ApplicationEvent}s published for the driver's domain
 * lifecycle events. The source is the {@link QemuDriver}; listen to a subclass
 * ({@link DomainStartedEvent}, {@link DomainStoppedEvent}, {@link DomainCrashedEvent},
 * ...) or to this type for all of them. Published on a driver thread: listeners must not
 * block.
 */
public abstract class DomainLifecycleEvent extends ApplicationEvent {

	private final DomainEvent domainEvent;

	protected DomainLifecycleEvent(QemuDriver driver, DomainEvent domainEvent) {
		super(driver);
		this.domainEvent = domainEvent;
	}

	/**
	 * The Spring event for a driver event.
	 */
	public static DomainLifecycleEvent of(QemuDriver driver, DomainEvent event) {
		return switch (event.type()) {
			case DEFINED -> new DomainDefinedEvent(driver, event);
			case UNDEFINED -> new DomainUndefinedEvent(driver, event);
			case STARTED -> new DomainStartedEvent(driver, event);
			case SUSPENDED -> new DomainSuspendedEvent(driver, event);
			case RESUMED -> new DomainResumedEvent(driver, event);
			case SHUTDOWN -> new DomainShuttingDownEvent(driver, event);
			case STOPPED -> new DomainStoppedEvent(driver, event);
			case CRASHED -> new DomainCrashedEvent(driver, event);
			case REBOOTED -> new DomainRebootedEvent(driver, event);
			case SAVED -> new DomainSavedEvent(driver, event);
			case RESTORED -> new DomainRestoredEvent(driver, event);
			case SNAPSHOT_CREATED, SNAPSHOT_REVERTED, SNAPSHOT_DELETED -> new DomainSnapshotEvent(driver, event);
			case DEVICE_ADDED, DEVICE_REMOVED -> new DomainDeviceEvent(driver, event);
		};
	}

	/** The driver's event. */
	public DomainEvent getDomainEvent() {
		return this.domainEvent;
	}

	public String getDomainName() {
		return this.domainEvent.domainName();
	}

	public UUID getDomainUuid() {
		return this.domainEvent.domainUuid();
	}

	/** The domain's status right after the event. */
	public DomainStatus getStatus() {
		return this.domainEvent.status();
	}

	/** Free-text detail from the driver (never a secret), possibly {@code null}. */
	public String getDetail() {
		return this.domainEvent.detail();
	}

	public QemuDriver getDriver() {
		return (QemuDriver) getSource();
	}

	@Override
	public String toString() {
		return getClass().getSimpleName() + "[domain=" + getDomainName() + ", status=" + getStatus() + "]";
	}

}
