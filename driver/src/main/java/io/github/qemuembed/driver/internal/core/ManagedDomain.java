package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.github.qemuembed.driver.BlockStats;
import io.github.qemuembed.driver.DeviceFlag;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainOperationListener.Operation;
import io.github.qemuembed.driver.DomainOperationListener;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.ShutdownMode;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.access.DomainIdentity;
import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.agent.GuestAgentState;
import io.github.qemuembed.driver.error.DomainNotFoundException;
import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.internal.io.JsonTrees;
import io.github.qemuembed.driver.internal.process.ProcStat;
import io.github.qemuembed.driver.internal.process.ProcessIdentity;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.LifecycleAction;
import io.github.qemuembed.driver.observation.DomainOperation;
import io.github.qemuembed.driver.observation.DriverObserver;
import io.github.qemuembed.driver.qmp.QmpEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One domain of a driver: its identity, definitions and state, the state machine, the
 * lifecycle policy after QEMU ends ({@link LifecyclePolicy}), and the operation lock and
 * timing. Users reach it only through its access-checked handle ({@link #handle()},
 * {@link DomainHandle}), which asks the policy and then calls the operation of the same
 * name here; nothing here checks access, apart from the checks an operation can only make
 * half-way (passed in by the handle). The process side and the monitor's events report to
 * it through {@link RunCallbacks}.
 * <p>
 * <b>Threading.</b> Public operations take {@link #operations}, a fair lock, so calls on
 * one domain run one at a time in arrival order while other domains proceed in parallel.
 * State fields are guarded by {@code this} and only ever held for a few field updates:
 * the exit handler, which runs on a background thread, never needs the operation lock, so
 * an operation can wait for QEMU to exit while holding it.
 */
final class ManagedDomain implements RunCallbacks {

	private static final System.Logger logger = System.getLogger(ManagedDomain.class.getName());

	private final DriverContext context;

	private final DomainProcesses processes;

	private final MonitorEvents monitorEvents = new MonitorEvents(this);

	private final DomainHandle handle;

	private final DomainSnapshots snapshots;

	private final DomainHotplug hotplug;

	private final DomainAgentChannel agentChannel;

	private final GuestAgent guestAgent;

	private final ReentrantLock operations = new ReentrantLock(true);

	private final String name;

	private final UUID uuid;

	private final DomainIdentity identity;

	// guarded by this
	private DomainDefinition definition;

	private boolean persistent;

	private boolean removed;

	private DomainStatus status = DomainStatus.of(StateReason.SHUTOFF_UNKNOWN);

	private QemuRun run;

	ManagedDomain(DriverContext context, DomainDefinition definition, boolean persistent) {
		this.context = context;
		this.name = definition.name();
		this.uuid = definition.uuid();
		this.identity = new DomainIdentity(this.name, this.uuid);
		this.processes = new DomainProcesses(context, this.name, this.uuid, this);
		this.definition = definition;
		this.persistent = persistent;
		this.snapshots = new DomainSnapshots(context, this, this.processes);
		this.hotplug = new DomainHotplug(context, this, this.processes);
		this.agentChannel = new DomainAgentChannel(context, this);
		this.guestAgent = this.agentChannel.agent();
		this.handle = new DomainHandle(context.access(), this);
	}

	// ---- identity and state (no access check: the handle checks) ----

	/** The access-checked {@link Domain} users hold; one per domain. */
	Domain handle() {
		return this.handle;
	}

	String name() {
		return this.name;
	}

	UUID uuid() {
		return this.uuid;
	}

	DomainIdentity identity() {
		return this.identity;
	}

	@Override
	public synchronized DomainStatus status() {
		return this.status;
	}

	@Override
	public synchronized boolean isPersistent() {
		return this.persistent;
	}

	synchronized boolean isRemoved() {
		return this.removed;
	}

	synchronized QemuRun currentRun() {
		return this.run;
	}

	synchronized DomainDefinition persistentDefinition() {
		return this.definition;
	}

	// ---- the operations of Domain (checked by the handle) ----

	void start() {
		observed(DomainOperation.START, Operation.START, () -> locked(() -> {
			ensureExists();
			if (status().isActive()) {
				throw new InvalidOperationException("Domain '" + this.name + "' is already running");
			}
			Path managedSave = managedSaveFile();
			if (Files.exists(managedSave)) {
				// as libvirt: a start resumes the managed-save image, which is gone once
				// it ran
				try {
					restoreLocked(managedSave, SaveImage.read(managedSave));
				}
				catch (QemuEmbedException ex) {
					throw new InvalidOperationException("Domain '" + this.name + "' could not resume its managed save "
							+ "image " + managedSave + ": " + ex.getMessage() + "; remove the image with "
							+ "managedSaveRemove() to boot instead", ex);
				}
				deleteManagedSave(managedSave);
				return null;
			}
			this.processes.start(persistentDefinition(), StateReason.RUNNING_BOOTED, DomainEventType.STARTED);
			return null;
		}));
	}

	/**
	 * Asks the guest to power off and waits; past {@code timeout}, {@code checkForce}
	 * (the handle's {@code domain.stop} check) runs before QEMU is destroyed.
	 */
	boolean shutdown(ShutdownMode mode, Duration timeout, Runnable checkForce) {
		return observed(DomainOperation.SHUTDOWN, Operation.SHUTDOWN, () -> locked(() -> {
			QemuRun current = requireActive("shut down");
			// fails if the agent refuses; never completes otherwise (the ACPI button has
			// no answer)
			CompletableFuture<?> refusal = new CompletableFuture<>();
			if (mode == ShutdownMode.GUEST_AGENT) {
				refusal = this.agentChannel.requestPowerDown(this.guestAgent);
			}
			else {
				current.monitor.powerdown();
			}
			if (awaitStop(current, timeout, refusal)) {
				return true;
			}
			checkForce.run();
			logger.log(Level.INFO,
					"Domain '" + this.name + "' did not power off within " + timeout + ": destroying it");
			this.processes.destroy(current);
			return false;
		}));
	}

	void destroy() {
		observed(DomainOperation.DESTROY, Operation.DESTROY, () -> locked(() -> {
			QemuRun current = requireActive("destroy");
			this.processes.destroy(current);
			return null;
		}));
	}

	void reboot() {
		observed(DomainOperation.REBOOT, null, () -> locked(() -> {
			QemuRun current = requireActive("reboot");
			// an ACPI power-off followed by a fresh start: the guest shuts down cleanly
			// and comes back with
			// the same definition, as libvirt's "fake reboot" does
			current.markRebootRequested();
			current.monitor.powerdown();
			return null;
		}));
	}

	void reset() {
		observed(DomainOperation.RESET, null, () -> locked(() -> {
			requireActive("reset").monitor.reset();
			return null;
		}));
	}

	void suspend() {
		observed(DomainOperation.SUSPEND, null, () -> locked(() -> {
			QemuRun current = requireActive("suspend");
			if (status().state() == DomainState.PAUSED) {
				throw new InvalidOperationException("Domain '" + this.name + "' is already paused");
			}
			current.stopVcpus();
			stateChanged(current, StateReason.PAUSED_USER, DomainEventType.SUSPENDED, "");
			return null;
		}));
	}

	void resume() {
		observed(DomainOperation.RESUME, null, () -> locked(() -> {
			QemuRun current = requireActive("resume");
			if (status().state() != DomainState.PAUSED) {
				throw new InvalidOperationException("Domain '" + this.name + "' is not paused");
			}
			current.resumeVcpus();
			stateChanged(current, StateReason.RUNNING_UNPAUSED, DomainEventType.RESUMED, "");
			return null;
		}));
	}

	void save(Path file) {
		Objects.requireNonNull(file, "file");
		observed(DomainOperation.SAVE, null, () -> locked(() -> {
			saveLocked(requireActive("save"), file);
			return null;
		}));
	}

	void managedSave() {
		observed(DomainOperation.MANAGED_SAVE, null, () -> locked(() -> {
			QemuRun current = requireActive("save");
			if (!isPersistent()) {
				throw new InvalidOperationException("Domain '" + this.name + "' is transient: a managed save needs a "
						+ "persistent definition to start again from (define it), or use save(file)");
			}
			saveLocked(current, managedSaveFile());
			return null;
		}));
	}

	boolean hasManagedSaveImage() {
		ensureExists();
		return Files.exists(managedSaveFile());
	}

	void managedSaveRemove() {
		locked(() -> {
			ensureExists();
			deleteManagedSave(managedSaveFile());
			return null;
		});
	}

	DomainSnapshot createSnapshot(String xml, boolean diskOnly, boolean quiesce) {
		return observed(DomainOperation.SNAPSHOT_CREATE, null, () -> locked(() -> {
			ensureExists();
			QemuRun current = status().isActive() ? currentRun() : null;
			if (quiesce && current == null) {
				throw new InvalidOperationException(
						"Domain '" + this.name + "' is not running: QUIESCE needs its guest "
								+ "agent; a snapshot of a stopped domain is consistent without it");
			}
			boolean frozen = (current != null && (diskOnly || quiesce)) && freeze(quiesce);
			DomainSnapshot snapshot;
			try {
				snapshot = this.snapshots.create(xml, diskOnly, current);
			}
			catch (RuntimeException ex) {
				if (frozen) {
					thawAfterFailure(ex);
				}
				throw ex;
			}
			if (frozen) {
				try {
					this.guestAgent.fsThaw();
				}
				catch (RuntimeException ex) {
					throw new InvalidOperationException("Snapshot '" + snapshot.name() + "' of domain '" + this.name
							+ "' was taken, but the guest agent did not thaw the file systems: " + ex.getMessage()
							+ "; call guest().fsThaw() again", ex);
				}
			}
			publish(DomainEventType.SNAPSHOT_CREATED, status(), snapshot.name());
			return snapshot;
		}));
	}

	/**
	 * Freezes the guest's file systems for a disk-only snapshot (libvirt's quiesce).
	 * Without {@code required}, only when the agent is connected and agrees; a refusal
	 * then leaves the snapshot crash-consistent, which the log says.
	 */
	private boolean freeze(boolean required) {
		if (!required && this.guestAgent.state() != GuestAgentState.CONNECTED) {
			return false;
		}
		try {
			this.guestAgent.fsFreeze();
			return true;
		}
		catch (RuntimeException ex) {
			if (required) {
				throw new InvalidOperationException("Cannot quiesce domain '" + this.name + "' for the snapshot: "
						+ ex.getMessage() + "; run qemu-guest-agent in the guest with its channel "
						+ "(<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>), or "
						+ "snapshot without QUIESCE", ex);
			}
			logger.log(Level.WARNING, "Domain '" + this.name + "': the guest agent did not freeze the file systems ("
					+ ex.getMessage() + "); the snapshot is crash-consistent");
			return false;
		}
	}

	private void thawAfterFailure(RuntimeException failure) {
		try {
			this.guestAgent.fsThaw();
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(ex);
		}
	}

	List<DomainSnapshot> snapshots() {
		ensureExists();
		return this.snapshots.list();
	}

	List<DomainSnapshot.Node> snapshotTree() {
		ensureExists();
		return this.snapshots.tree();
	}

	String snapshotXml(String name) {
		ensureExists();
		return this.snapshots.xml(name);
	}

	void revertToSnapshot(String name) {
		observed(DomainOperation.SNAPSHOT_REVERT, null, () -> locked(() -> {
			ensureExists();
			this.snapshots.revert(name, status().isActive() ? currentRun() : null);
			publish(DomainEventType.SNAPSHOT_REVERTED, status(), name);
			return null;
		}));
	}

	void deleteSnapshot(String name, boolean metadataOnly) {
		observed(DomainOperation.SNAPSHOT_DELETE, null, () -> locked(() -> {
			ensureExists();
			this.snapshots.delete(name, metadataOnly, status().isActive() ? currentRun() : null);
			publish(DomainEventType.SNAPSHOT_DELETED, status(), name);
			return null;
		}));
	}

	/**
	 * Attaches ({@code attach}) or detaches a device. libvirt's order: the persistent
	 * change is checked first, then the live one is made, then the persistent one is
	 * saved; a live change that fails leaves the definition as it was. {@code checkSave}
	 * (the handle's {@code domain.save} check) runs when the definition of an inactive
	 * domain changes without {@code CONFIG} having been asked for.
	 */
	void changeDevice(String xml, Set<DeviceFlag> affect, boolean attach, Duration timeout, Runnable checkSave) {
		locked(() -> {
			ensureExists();
			boolean active = status().isActive();
			boolean live = affect.contains(DeviceFlag.LIVE) || (affect.isEmpty() && active);
			boolean config = affect.contains(DeviceFlag.CONFIG) || (affect.isEmpty() && !active);
			if (config && !affect.contains(DeviceFlag.CONFIG)) {
				// AFFECT_CURRENT of an inactive domain changes its definition: a save, as
				// libvirt checks it
				checkSave.run();
			}
			if (live && !active) {
				throw new InvalidOperationException(
						"Domain '" + this.name + "' is not running: a live " + (attach ? "attach" : "detach")
								+ " needs it running; use DeviceFlag.CONFIG to change its definition");
			}
			if (config && !isPersistent()) {
				throw new InvalidOperationException("Domain '" + this.name + "' is transient: it has no definition to "
						+ "change; use DeviceFlag.LIVE only");
			}
			DomainHotplug.Added persistentChange = config
					? (attach ? DomainHotplug.withDevice(persistentDefinition(), xml)
							: DomainHotplug.withoutDevice(persistentDefinition(), xml))
					: null;
			if (persistentChange != null) {
				SecondaryResolver.checkConfigured(this.context, persistentChange.definition());
			}
			String what = null;
			if (live) {
				QemuRun current = requireActive(attach ? "attach a device to" : "detach a device from");
				what = attach ? this.hotplug.attachLive(current, xml) : this.hotplug.detachLive(current, xml, timeout);
			}
			if (persistentChange != null) {
				this.context.definitions().save(persistentChange.definition());
				redefine(persistentChange.definition());
				what = (what != null) ? what : persistentChange.description();
			}
			publish(attach ? DomainEventType.DEVICE_ADDED : DomainEventType.DEVICE_REMOVED, status(),
					what + (live ? " (live" + (config ? ", config)" : ")") : " (config)"));
			return null;
		});
	}

	void undefine() {
		observed(DomainOperation.UNDEFINE, null, () -> locked(() -> {
			ensureExists();
			if (Files.exists(managedSaveFile())) {
				throw new InvalidOperationException("Domain '" + this.name + "' has a managed save image ("
						+ managedSaveFile() + "): start it, or remove the image with managedSaveRemove(), first");
			}
			if (!this.snapshots.list().isEmpty()) {
				// as libvirt: the metadata would otherwise be found by the next domain of
				// this name
				throw new InvalidOperationException("Domain '" + this.name + "' has snapshots: delete them "
						+ "(deleteSnapshot) before undefining it");
			}
			boolean active;
			synchronized (this) {
				if (!this.persistent) {
					throw new InvalidOperationException("Domain '" + this.name + "' is transient: nothing to undefine");
				}
				this.context.definitions().delete(this.name);
				this.persistent = false;
				active = this.status.isActive();
				if (!active) {
					this.removed = true;
				}
			}
			if (!active) {
				forget();
			}
			publish(DomainEventType.UNDEFINED, status(), "");
			return null;
		}));
	}

	DomainInfo info() {
		ensureExists();
		DomainStatus status;
		QemuRun current;
		DomainDefinition def;
		boolean persistentNow;
		synchronized (this) {
			status = this.status;
			current = this.run;
			def = (current != null) ? current.liveDefinition : this.definition;
			persistentNow = this.persistent;
		}
		if (current == null || !status.isActive()) {
			return new DomainInfo(status, OptionalLong.empty(), Optional.empty(), Duration.ZERO, def.vcpus(),
					def.memoryKiB(), def.currentMemoryKiB(), Duration.ZERO, 0, persistentNow,
					DomainAgentChannel.stateOf(def, null));
		}
		Optional<ProcStat> stat = ProcStat.read(current.pid());
		return new DomainInfo(status, OptionalLong.of(current.pid()), Optional.of(current.startedAt),
				Duration.between(current.startedAt, Instant.now()), def.vcpus(), def.memoryKiB(),
				def.currentMemoryKiB(), stat.map(ProcStat::cpuTime).orElse(Duration.ZERO),
				stat.map(ProcStat::residentBytes).orElse(0L), persistentNow, DomainAgentChannel.stateOf(def, current));
	}

	List<BlockStats> blockStats() {
		// deliberately not behind the operation lock: a read must not wait for a shutdown
		// in progress; the
		// monitor serializes the command itself, and the QMP timeout bounds it
		QemuRun current = requireActive("read the block statistics of");
		return BlockStatsReader.read(current.monitor.queryBlockStats(), current.liveDefinition);
	}

	String xml(boolean secure) {
		ensureExists();
		DomainDefinition def;
		synchronized (this) {
			def = (this.run != null) ? this.run.liveDefinition : this.definition;
		}
		return DomainXml.write(def, secure);
	}

	String qmp(String commandJson) {
		JsonNode command;
		try {
			command = JsonTrees.read(commandJson);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Not a JSON object: a QMP command looks like "
					+ "{\"execute\": \"query-status\", \"arguments\": {...}}");
		}
		if (command == null || !command.isObject() || !command.path("execute").isString()) {
			throw new IllegalArgumentException(
					"A QMP command is a JSON object with a string member 'execute' and an optional object 'arguments'");
		}
		JsonNode arguments = command.get("arguments");
		if (arguments != null && !arguments.isObject()) {
			throw new IllegalArgumentException("QMP 'arguments' must be a JSON object");
		}
		return locked(() -> {
			QemuRun current = requireActive("send a monitor command to");
			JsonNode result = current.monitor.passthrough(command.path("execute").asString(), (ObjectNode) arguments);
			return JsonTrees.writeString(result);
		});
	}

	DomainConsole openConsole() {
		QemuRun current = locked(() -> requireActive("open the console of"));
		if (current.serialSockets.isEmpty()) {
			throw new InvalidOperationException("Domain '" + this.name
					+ "' has no serial console: add <serial type='pty'/> (and <console type='pty'/>) to its XML");
		}
		return SocketConsole.connect(current.serialSockets.get(0));
	}

	/** The guest agent, whose every call asks the policy with its own permission. */
	GuestAgent guestAgent() {
		return this.guestAgent;
	}

	@Override
	public String toString() {
		return "ManagedDomain[" + this.name + ", " + this.uuid + "]";
	}

	// ---- driver-internal operations ----

	/** Replaces the persistent definition (define of an existing domain). */
	void redefine(DomainDefinition newDefinition) {
		synchronized (this) {
			this.definition = newDefinition;
			this.persistent = true;
		}
	}

	/** Starts a transient domain right after it was registered (createTransient). */
	void startTransient() {
		observed(DomainOperation.START, Operation.START, () -> locked(() -> {
			this.processes.start(persistentDefinition(), StateReason.RUNNING_BOOTED, DomainEventType.STARTED);
			return null;
		}));
	}

	/** Restores a saved state into this inactive domain (the driver's restore(file)). */
	void restoreFrom(Path file, SaveImage image) {
		observed(DomainOperation.RESTORE, null, () -> locked(() -> {
			ensureExists();
			if (status().isActive()) {
				throw new InvalidOperationException("Domain '" + this.name + "' is running: destroy it before "
						+ "restoring a saved state into it");
			}
			restoreLocked(file, image);
			return null;
		}));
	}

	/**
	 * Adopts a QEMU process left by an earlier driver whose identity was proven
	 * (reconnect).
	 */
	void reconnect(RunState state, ProcessIdentity identity, DomainDefinition live) {
		this.processes.adopt(state, identity, live);
	}

	/**
	 * Stops the domain because the driver closes: destroy, without events for listeners
	 * already gone.
	 */
	void destroyForClose() {
		QemuRun current = currentRun();
		if (current != null) {
			try {
				this.processes.destroy(current);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Could not destroy domain '" + this.name + "' while closing the driver", ex);
			}
		}
	}

	/**
	 * Leaves QEMU running because the driver closes without stopping its VMs: the next
	 * driver on this root reconnects, so the monitor and the agent channel (QEMU serves
	 * one client per channel) are let go, and the exit, should it come, is not this
	 * driver's to handle.
	 */
	void detachForClose() {
		QemuRun current = currentRun();
		if (current != null && current.monitor != null) {
			current.markDetached();
			current.monitor.close();
			DomainAgentChannel.disconnect(current);
		}
	}

	// ---- RunCallbacks: what the process side and the monitor report ----

	@Override
	public void persistentDefinitionChanged(DomainDefinition persistentDefinition) {
		redefine(persistentDefinition);
	}

	@Override
	public void runAttached(QemuRun attached, DomainStatus attachedStatus) {
		synchronized (this) {
			this.run = attached;
			this.status = attachedStatus;
		}
	}

	@Override
	public void startFailed() {
		synchronized (this) {
			this.run = null;
			this.status = DomainStatus.of(StateReason.SHUTOFF_FAILED);
		}
	}

	/**
	 * Sets the status if {@code forRun} is still the current run; publishes the event
	 * only on a change.
	 */
	@Override
	public void stateChanged(QemuRun forRun, StateReason reason, DomainEventType eventType, String detail) {
		DomainStatus next = DomainStatus.of(reason);
		boolean changed;
		synchronized (this) {
			if (forRun != null && this.run != forRun) {
				return;
			}
			changed = !next.equals(this.status);
			this.status = next;
		}
		if (changed && eventType != null) {
			publish(eventType, next, detail);
		}
	}

	/**
	 * Records the final status, publishes, and applies
	 * {@code on_poweroff}/{@code on_crash}/reboot ({@link LifecyclePolicy}).
	 */
	@Override
	public void runEnded(QemuRun ended, StateReason reason, String detail) {
		boolean transientGone;
		synchronized (this) {
			if (this.run != ended) {
				return;
			}
			this.run = null;
			this.status = DomainStatus.of(reason);
			transientGone = !this.persistent;
		}
		publish(DomainEventType.STOPPED, DomainStatus.of(reason), detail);
		if (reason == StateReason.SHUTOFF_CRASHED) {
			publish(DomainEventType.CRASHED, DomainStatus.of(reason), detail);
		}
		LifecycleAction action = LifecyclePolicy.after(ended, reason);
		if (action == LifecycleAction.RESTART && this.context.launcherOpen()) {
			this.context.background().execute(() -> restart(ended));
			return;
		}
		if (transientGone) {
			synchronized (this) {
				this.removed = true;
			}
			forget();
		}
	}

	private void restart(QemuRun ended) {
		try {
			locked(() -> {
				if (status().isActive() || isRemoved()) {
					return null;
				}
				DomainDefinition def = isPersistent() ? persistentDefinition() : ended.liveDefinition;
				this.processes.start(def, StateReason.RUNNING_BOOTED, DomainEventType.REBOOTED);
				return null;
			});
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Could not restart domain '" + this.name + "'", ex);
		}
	}

	@Override
	public void monitorEvent(QemuRun source, QmpEvent event) {
		this.monitorEvents.handle(source, event);
	}

	@Override
	public void guestReset(QemuRun source, String reason) {
		if (currentRun() == source) {
			publish(DomainEventType.REBOOTED, status(), reason);
		}
	}

	/**
	 * After a guest panic with on_crash destroy or restart: end QEMU (the exit reads as
	 * crashed).
	 */
	@Override
	public void panicEndsRun(QemuRun source) {
		this.context.background().execute(() -> this.processes.killAfterPanic(source));
	}

	/** The domain is gone (undefined while inactive, or transient and stopped). */
	private void forget() {
		this.context.registry().remove(this);
	}

	void publish(DomainEventType type, DomainStatus status, String detail) {
		this.context.events()
			.publish(new DomainEvent(type, this.name, this.uuid, status, Instant.now(), detail == null ? "" : detail));
	}

	// ---- save and restore ----

	/**
	 * Pauses the vCPUs, writes the whole state to {@code file}, and stops QEMU
	 * (shutoff/saved).
	 */
	private void saveLocked(QemuRun current, Path file) {
		boolean wasRunning = status().state() == DomainState.RUNNING;
		if (wasRunning) {
			current.stopVcpus();
		}
		StateReason before = status().reason();
		stateChanged(current, StateReason.PAUSED_SAVE, null, "");
		try {
			DomainSaver.save(current, file, wasRunning, this.context.config().startTimeout().multipliedBy(10));
		}
		catch (RuntimeException ex) {
			// nothing was kept: the domain goes on as it was
			if (wasRunning && current.process.isAlive()) {
				current.resumeVcpus();
			}
			stateChanged(current, before, null, "");
			throw ex;
		}
		current.markSaved();
		publish(DomainEventType.SAVED, status(), file.toString());
		this.processes.destroy(current);
	}

	private void restoreLocked(Path file, SaveImage image) {
		DomainDefinition saved = DomainXml.parse(image.xml());
		if (!saved.uuid().equals(this.uuid) || !saved.name().equals(this.name)) {
			throw new InvalidOperationException(file + " holds domain '" + saved.name() + "' (" + saved.uuid()
					+ "), not '" + this.name + "' (" + this.uuid + ")");
		}
		this.processes.start(saved, StateReason.RUNNING_RESTORED, DomainEventType.STARTED,
				new DomainProcesses.Incoming(file, image));
		publish(DomainEventType.RESTORED, status(), file.toString());
	}

	private Path managedSaveFile() {
		return this.context.layout().managedSaveFile(this.name);
	}

	private void deleteManagedSave(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot remove the managed save image " + file, ex);
		}
	}

	// ---- helpers ----

	/**
	 * This domain, for a read that must fail with {@link DomainNotFoundException} once it
	 * is gone.
	 */
	ManagedDomain existing() {
		ensureExists();
		return this;
	}

	private void ensureExists() {
		if (isRemoved()) {
			throw new DomainNotFoundException("Domain '" + this.name + "' (" + this.uuid + ") no longer exists");
		}
	}

	/**
	 * The current run for an operation that needs QEMU running (the guest agent), without
	 * the operation lock.
	 */
	QemuRun runningRun(String operation) {
		return requireActive(operation);
	}

	private QemuRun requireActive(String operation) {
		ensureExists();
		synchronized (this) {
			if (this.run == null || !this.status.isActive()) {
				throw new InvalidOperationException(
						"Cannot " + operation + " domain '" + this.name + "': it is not running (" + this.status + ")");
			}
			return this.run;
		}
	}

	/**
	 * Waits for QEMU to exit; an agent that refuses the power-down ({@code refusal}
	 * fails) ends the wait with its error.
	 */
	private boolean awaitStop(QemuRun current, Duration timeout, CompletableFuture<?> refusal) {
		try {
			CompletableFuture.anyOf(current.stopped, refusal).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			throw OperationInterruptedException
				.restoring("Interrupted while waiting for domain '" + this.name + "' to stop", ex);
		}
		catch (ExecutionException ex) {
			if (refusal.isCompletedExceptionally() && !current.stopped.isDone()) {
				throw Failures.unwrap(ex.getCause());
			}
			return true;
		}
	}

	/**
	 * Runs a whole public operation (the wait for the lock included) as one scope of the
	 * configured {@link DriverObserver}, current on this thread while it runs, and tells
	 * the configured {@link DomainOperationListener} how long it took and whether it
	 * threw ({@code listened} is {@code null} for the operations the listener is not told
	 * about).
	 */
	private <T> T observed(DomainOperation operation, Operation listened, Supplier<T> call) {
		return observed(this.context, operation, this.name, listened, call);
	}

	/**
	 * {@link #observed(DomainOperation, Operation, java.util.function.Supplier)} for the
	 * driver's own operations.
	 */
	static <T> T observed(DriverContext context, DomainOperation operation, String name, Operation listened,
			Supplier<T> call) {
		DriverObserver.Scope scope = DriverObserver.Scope.NONE;
		try {
			scope = context.config().observer().domainOperation(operation, name);
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Observer failed to begin " + operation + " of domain '" + name + "'", ex);
		}
		long started = System.nanoTime();
		Throwable failure = null;
		try {
			return call.get();
		}
		catch (RuntimeException | Error ex) {
			failure = ex;
			throw ex;
		}
		finally {
			Duration duration = Duration.ofNanos(System.nanoTime() - started);
			if (listened != null) {
				try {
					context.config().operationListener().operationCompleted(listened, name, duration, failure);
				}
				catch (RuntimeException ex) {
					logger.log(Level.WARNING, "Operation listener failed for " + listened + " of domain '" + name + "'",
							ex);
				}
			}
			try {
				scope.end(failure);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Observer failed to end " + operation + " of domain '" + name + "'", ex);
			}
		}
	}

	private <T> T locked(Supplier<T> operation) {
		try {
			if (!this.operations.tryLock(
					this.context.config().startTimeout().toMillis() + this.context.config().qmpTimeout().toMillis(),
					TimeUnit.MILLISECONDS)) {
				throw new OperationTimeoutException("Domain '" + this.name
						+ "' is busy with another operation that did not finish in time; try again");
			}
		}
		catch (InterruptedException ex) {
			throw OperationInterruptedException.restoring("Interrupted while waiting for domain '" + this.name + "'",
					ex);
		}
		try {
			this.context.ensureOpen();
			return operation.get();
		}
		finally {
			this.operations.unlock();
		}
	}

}
