package io.github.qemuembed.driver.internal.core;

import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.qmp.QmpEvent;

/**
 * What the process side ({@link DomainProcesses}) and the monitor's events
 * ({@link MonitorEvents}) tell the domain that owns the run, as libvirt's
 * {@code qemuMonitorCallbacks} do: they report what happened, and the domain
 * ({@link ManagedDomain}) decides what it means for its state and what follows. Every
 * method that names a run ignores a run that is no longer the domain's current one.
 */
interface RunCallbacks {

	/** The domain's state now. */
	DomainStatus status();

	/**
	 * Whether the domain has a persistent definition (what a start assigned is written
	 * back to it, and the run is recorded as persistent).
	 */
	boolean isPersistent();

	/**
	 * A start assigned addresses or ports that the persistent definition keeps (already
	 * saved); it replaces the domain's definition.
	 */
	void persistentDefinitionChanged(DomainDefinition definition);

	/**
	 * {@code run} is the domain's QEMU from now on, in {@code status}: a started QEMU
	 * waiting at {@code -S}, or one adopted from an earlier driver.
	 */
	void runAttached(QemuRun run, DomainStatus status);

	/** A start failed and its QEMU is gone: no run, {@code shutoff/failed}. */
	void startFailed();

	/**
	 * The state of {@code run} is now {@code reason}; {@code eventType} (if not
	 * {@code null}) is published when that is a change.
	 */
	void stateChanged(QemuRun run, StateReason reason, DomainEventType eventType, String detail);

	/**
	 * QEMU of {@code run} sent an event: called on the domain's lifecycle executor, in
	 * order, never on the QMP I/O thread.
	 */
	void monitorEvent(QemuRun run, QmpEvent event);

	/** The guest of {@code run} reset (QMP {@code RESET}) and runs on. */
	void guestReset(QemuRun run, String reason);

	/**
	 * The guest of {@code run} panicked and {@code on_crash} ends QEMU; the exit reads as
	 * crashed.
	 */
	void panicEndsRun(QemuRun run);

	/**
	 * QEMU of {@code run} is gone and its files are cleaned up, for {@code reason}: the
	 * lifecycle policy decides what follows. Runs on a background thread.
	 */
	void runEnded(QemuRun run, StateReason reason, String detail);

}
