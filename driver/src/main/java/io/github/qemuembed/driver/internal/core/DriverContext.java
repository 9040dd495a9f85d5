package io.github.qemuembed.driver.internal.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.internal.capabilities.QemuCapabilities;
import io.github.qemuembed.driver.error.DriverClosedException;
import io.github.qemuembed.driver.internal.process.QemuLauncher;

/**
 * What every domain of one driver shares: configuration, root, policy, launcher, events,
 * executors.
 */
final class DriverContext {

	private final DriverConfig config;

	private final RootLayout layout;

	private final AccessChecker access;

	private final EventDispatcher events;

	private final QemuLauncher launcher;

	private final QemuCapabilities capabilities;

	private final Accel accel;

	private final RunStateStore runStates;

	private final DefinitionStore definitions;

	private final DomainRegistry registry;

	private final ExecutorService background;

	private final AtomicInteger nextId = new AtomicInteger(1);

	private final AtomicBoolean open = new AtomicBoolean(true);

	private final AtomicBoolean closing = new AtomicBoolean();

	DriverContext(DriverConfig config, RootLayout layout, AccessChecker access, EventDispatcher events,
			QemuLauncher launcher, QemuCapabilities capabilities, Accel accel, ExecutorService background) {
		this.config = config;
		this.layout = layout;
		this.access = access;
		this.events = events;
		this.launcher = launcher;
		this.capabilities = capabilities;
		this.accel = accel;
		this.runStates = new RunStateStore(layout);
		this.definitions = new DefinitionStore(layout);
		this.registry = new DomainRegistry();
		this.background = background;
	}

	DriverConfig config() {
		return this.config;
	}

	RootLayout layout() {
		return this.layout;
	}

	AccessChecker access() {
		return this.access;
	}

	EventDispatcher events() {
		return this.events;
	}

	QemuLauncher launcher() {
		return this.launcher;
	}

	QemuCapabilities capabilities() {
		return this.capabilities;
	}

	Accel accel() {
		return this.accel;
	}

	RunStateStore runStates() {
		return this.runStates;
	}

	DefinitionStore definitions() {
		return this.definitions;
	}

	DomainRegistry registry() {
		return this.registry;
	}

	ExecutorService background() {
		return this.background;
	}

	/**
	 * This driver's version, from the jar manifest ({@code dev} when run from classes).
	 */
	String driverVersion() {
		String version = DriverContext.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "dev";
	}

	int nextDomainId() {
		return this.nextId.getAndIncrement();
	}

	/** Leftover runs keep their ids: new runs count on after the highest. */
	void reserveDomainId(int id) {
		this.nextId.accumulateAndGet(id + 1, Math::max);
	}

	boolean isOpen() {
		return this.open.get();
	}

	/**
	 * Whether automatic restarts (on_poweroff/on_crash restart, reboot) may still launch
	 * QEMU.
	 */
	boolean launcherOpen() {
		return this.open.get() && !this.closing.get();
	}

	void ensureOpen() {
		if (!this.open.get()) {
			throw new DriverClosedException("The driver on " + this.layout.root() + " is closed");
		}
	}

	boolean beginClose() {
		return this.closing.compareAndSet(false, true);
	}

	void markClosed() {
		this.open.set(false);
	}

}
