package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import io.github.qemuembed.driver.BlockStats;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainOperationListener;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.DomainOperationListener.Operation;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.ShutdownMode;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.access.DomainIdentity;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.error.DomainNotFoundException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.observation.DomainOperation;
import io.github.qemuembed.driver.observation.DriverObserver;
import io.github.qemuembed.driver.internal.process.ProcStat;
import io.github.qemuembed.driver.qmp.QmpClient;
import io.github.qemuembed.driver.qmp.QmpEvent;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.LifecycleAction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One domain of a driver, and the {@link Domain} handle on it.
 * <p>
 * <b>Threading.</b> Public operations take {@link #operations}, a fair lock, so calls on
 * one domain run one at a time in arrival order while other domains proceed in parallel.
 * State fields are guarded by {@code this} and only ever held for a few field updates:
 * the exit handler, which runs on a background thread, never needs the operation lock, so
 * an operation can wait for QEMU to exit while holding it.
 */
final class ManagedDomain implements Domain {

	private static final System.Logger logger = System.getLogger(ManagedDomain.class.getName());

	private static final ObjectMapper JSON = JsonMapper.builder().build();

	private final DriverContext context;

	private final DomainProcesses processes;

	private final MonitorEvents monitorEvents = new MonitorEvents(this);

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
		this.processes = new DomainProcesses(context, this);
		this.name = definition.name();
		this.uuid = definition.uuid();
		this.identity = new DomainIdentity(this.name, this.uuid);
		this.definition = definition;
		this.persistent = persistent;
		this.snapshots = new DomainSnapshots(context, this, this.processes);
		this.hotplug = new DomainHotplug(context, this, this.processes);
		this.agentChannel = new DomainAgentChannel(context, this);
		this.guestAgent = GuestAgent.over(this.agentChannel);
	}

	// ---- identity, for the driver's own use (no access check) ----

	String domainName() {
		return this.name;
	}

	UUID domainUuid() {
		return this.uuid;
	}

	DomainIdentity identity() {
		return this.identity;
	}

	DomainProcesses processes() {
		return this.processes;
	}

	synchronized DomainStatus currentStatus() {
		return this.status;
	}

	synchronized boolean persistentFlag() {
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

	// ---- Domain ----

	@Override
	public String name() {
		check(Permission.DOMAIN_GETATTR);
		return this.name;
	}

	@Override
	public UUID uuid() {
		check(Permission.DOMAIN_GETATTR);
		return this.uuid;
	}

	@Override
	public void start() {
		check(Permission.DOMAIN_START);
		observed(DomainOperation.START, Operation.START, () -> locked(() -> {
			ensureExists();
			if (currentStatus().isActive()) {
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

	@Override
	public boolean shutdown(Duration timeout) {
		return shutdown(ShutdownMode.ACPI_POWER_BUTTON, timeout);
	}

	@Override
	public boolean shutdown(ShutdownMode mode, Duration timeout) {
		check(Permission.DOMAIN_INIT_CONTROL);
		if (mode == ShutdownMode.GUEST_AGENT) {
			// as libvirt's VIR_DOMAIN_SHUTDOWN_GUEST_AGENT: talking to the agent is a
			// write on top of init_control
			check(Permission.DOMAIN_WRITE);
		}
		return observed(DomainOperation.SHUTDOWN, Operation.SHUTDOWN, () -> locked(() -> {
			QemuRun current = requireActive("shut down");
			// fails if the agent refuses; never completes otherwise (the ACPI button has
			// no answer)
			CompletableFuture<?> refusal = new CompletableFuture<>();
			if (mode == ShutdownMode.GUEST_AGENT) {
				refusal = this.agentChannel.requestPowerDown(this.guestAgent);
			}
			else {
				current.monitor.execute("system_powerdown");
			}
			if (awaitStop(current, timeout, refusal)) {
				return true;
			}
			check(Permission.DOMAIN_STOP);
			logger.log(Level.INFO,
					"Domain '" + this.name + "' did not power off within " + timeout + ": destroying it");
			this.processes.destroy(current);
			return false;
		}));
	}

	@Override
	public void destroy() {
		check(Permission.DOMAIN_STOP);
		observed(DomainOperation.DESTROY, Operation.DESTROY, () -> locked(() -> {
			QemuRun current = requireActive("destroy");
			this.processes.destroy(current);
			return null;
		}));
	}

	@Override
	public void reboot() {
		check(Permission.DOMAIN_INIT_CONTROL);
		observed(DomainOperation.REBOOT, null, () -> locked(() -> {
			QemuRun current = requireActive("reboot");
			// an ACPI power-off followed by a fresh start: the guest shuts down cleanly
			// and comes back with
			// the same definition, as libvirt's "fake reboot" does
			current.rebootRequested = true;
			current.monitor.execute("system_powerdown");
			return null;
		}));
	}

	@Override
	public void reset() {
		check(Permission.DOMAIN_RESET);
		observed(DomainOperation.RESET, null, () -> locked(() -> {
			requireActive("reset").monitor.execute("system_reset");
			return null;
		}));
	}

	@Override
	public void suspend() {
		check(Permission.DOMAIN_SUSPEND);
		observed(DomainOperation.SUSPEND, null, () -> locked(() -> {
			QemuRun current = requireActive("suspend");
			if (currentStatus().state() == DomainState.PAUSED) {
				throw new InvalidOperationException("Domain '" + this.name + "' is already paused");
			}
			current.ownStops.incrementAndGet();
			try {
				current.monitor.execute("stop");
			}
			catch (RuntimeException ex) {
				current.ownStops.decrementAndGet();
				throw ex;
			}
			transition(current, StateReason.PAUSED_USER, DomainEventType.SUSPENDED, "");
			return null;
		}));
	}

	@Override
	public void resume() {
		check(Permission.DOMAIN_SUSPEND);
		observed(DomainOperation.RESUME, null, () -> locked(() -> {
			QemuRun current = requireActive("resume");
			if (currentStatus().state() != DomainState.PAUSED) {
				throw new InvalidOperationException("Domain '" + this.name + "' is not paused");
			}
			current.ownResumes.incrementAndGet();
			try {
				current.monitor.execute("cont");
			}
			catch (RuntimeException ex) {
				current.ownResumes.decrementAndGet();
				throw ex;
			}
			transition(current, StateReason.RUNNING_UNPAUSED, DomainEventType.RESUMED, "");
			return null;
		}));
	}

	@Override
	public void save(Path file) {
		check(Permission.DOMAIN_HIBERNATE);
		java.util.Objects.requireNonNull(file, "file");
		observed(DomainOperation.SAVE, null, () -> locked(() -> {
			saveLocked(requireActive("save"), file);
			return null;
		}));
	}

	@Override
	public void managedSave() {
		check(Permission.DOMAIN_HIBERNATE);
		observed(DomainOperation.MANAGED_SAVE, null, () -> locked(() -> {
			QemuRun current = requireActive("save");
			if (!persistentFlag()) {
				throw new InvalidOperationException("Domain '" + this.name + "' is transient: a managed save needs a "
						+ "persistent definition to start again from (define it), or use save(file)");
			}
			saveLocked(current, managedSaveFile());
			return null;
		}));
	}

	@Override
	public boolean hasManagedSaveImage() {
		check(Permission.DOMAIN_READ);
		ensureExists();
		return Files.exists(managedSaveFile());
	}

	@Override
	public void managedSaveRemove() {
		check(Permission.DOMAIN_HIBERNATE);
		locked(() -> {
			ensureExists();
			deleteManagedSave(managedSaveFile());
			return null;
		});
	}

	@Override
	public DomainSnapshot createSnapshot(String xml, DomainSnapshot.CreateFlag... flags) {
		check(Permission.DOMAIN_SNAPSHOT);
		boolean diskOnly = java.util.Arrays.asList(flags).contains(DomainSnapshot.CreateFlag.DISK_ONLY);
		boolean quiesce = java.util.Arrays.asList(flags).contains(DomainSnapshot.CreateFlag.QUIESCE);
		if (quiesce) {
			check(Permission.DOMAIN_FS_FREEZE);
		}
		return observed(DomainOperation.SNAPSHOT_CREATE, null, () -> locked(() -> {
			ensureExists();
			QemuRun current = currentStatus().isActive() ? currentRun() : null;
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
			publish(DomainEventType.SNAPSHOT_CREATED, currentStatus(), snapshot.name());
			return snapshot;
		}));
	}

	/**
	 * Freezes the guest's file systems for a disk-only snapshot (libvirt's quiesce).
	 * Without {@code required}, only when the agent is connected and agrees; a refusal
	 * then leaves the snapshot crash-consistent, which the log says.
	 */
	private boolean freeze(boolean required) {
		if (!required && this.guestAgent.state() != io.github.qemuembed.driver.agent.GuestAgentState.CONNECTED) {
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

	@Override
	public List<DomainSnapshot> snapshots() {
		check(Permission.DOMAIN_READ);
		ensureExists();
		return this.snapshots.list();
	}

	@Override
	public List<DomainSnapshot.Node> snapshotTree() {
		check(Permission.DOMAIN_READ);
		ensureExists();
		return this.snapshots.tree();
	}

	@Override
	public String snapshotXml(String name) {
		check(Permission.DOMAIN_READ);
		// the stored definition carries its secrets, as the domain's own secure XML does
		check(Permission.DOMAIN_READ_SECURE);
		ensureExists();
		return this.snapshots.xml(name);
	}

	@Override
	public void revertToSnapshot(String name) {
		check(Permission.DOMAIN_SNAPSHOT);
		observed(DomainOperation.SNAPSHOT_REVERT, null, () -> locked(() -> {
			ensureExists();
			this.snapshots.revert(name, currentStatus().isActive() ? currentRun() : null);
			publish(DomainEventType.SNAPSHOT_REVERTED, currentStatus(), name);
			return null;
		}));
	}

	@Override
	public void deleteSnapshot(String name, DomainSnapshot.DeleteFlag... flags) {
		check(Permission.DOMAIN_SNAPSHOT);
		boolean metadataOnly = java.util.Arrays.asList(flags).contains(DomainSnapshot.DeleteFlag.METADATA_ONLY);
		observed(DomainOperation.SNAPSHOT_DELETE, null, () -> locked(() -> {
			ensureExists();
			this.snapshots.delete(name, metadataOnly, currentStatus().isActive() ? currentRun() : null);
			publish(DomainEventType.SNAPSHOT_DELETED, currentStatus(), name);
			return null;
		}));
	}

	@Override
	public void attachDevice(String xml, io.github.qemuembed.driver.DeviceFlag... flags) {
		changeDevice(xml, flags, true, null);
	}

	@Override
	public void detachDevice(String xml, Duration timeout, io.github.qemuembed.driver.DeviceFlag... flags) {
		java.util.Objects.requireNonNull(timeout, "timeout");
		changeDevice(xml, flags, false, timeout);
	}

	/**
	 * libvirt's order: the persistent change is checked first, then the live one is made,
	 * then the persistent one is saved; a live change that fails leaves the definition as
	 * it was.
	 */
	private void changeDevice(String xml, io.github.qemuembed.driver.DeviceFlag[] flags, boolean attach,
			Duration timeout) {
		java.util.Set<io.github.qemuembed.driver.DeviceFlag> affect = java.util.Set.of(flags);
		check(Permission.DOMAIN_WRITE);
		if (affect.contains(io.github.qemuembed.driver.DeviceFlag.CONFIG)) {
			check(Permission.DOMAIN_SAVE);
		}
		locked(() -> {
			ensureExists();
			boolean active = currentStatus().isActive();
			boolean live = affect.contains(io.github.qemuembed.driver.DeviceFlag.LIVE) || (affect.isEmpty() && active);
			boolean config = affect.contains(io.github.qemuembed.driver.DeviceFlag.CONFIG)
					|| (affect.isEmpty() && !active);
			if (config && !affect.contains(io.github.qemuembed.driver.DeviceFlag.CONFIG)) {
				// AFFECT_CURRENT of an inactive domain changes its definition: a save, as
				// libvirt checks it
				check(Permission.DOMAIN_SAVE);
			}
			if (live && !active) {
				throw new InvalidOperationException(
						"Domain '" + this.name + "' is not running: a live " + (attach ? "attach" : "detach")
								+ " needs it running; use DeviceFlag.CONFIG to change its definition");
			}
			if (config && !persistentFlag()) {
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
			publish(attach ? DomainEventType.DEVICE_ADDED : DomainEventType.DEVICE_REMOVED, currentStatus(),
					what + (live ? " (live" + (config ? ", config)" : ")") : " (config)"));
			return null;
		});
	}

	@Override
	public void undefine() {
		check(Permission.DOMAIN_DELETE);
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
				this.processes.forget();
			}
			publish(DomainEventType.UNDEFINED, currentStatus(), "");
			return null;
		}));
	}

	@Override
	public DomainStatus status() {
		check(Permission.DOMAIN_READ);
		ensureExists();
		return currentStatus();
	}

	@Override
	public DomainInfo info() {
		check(Permission.DOMAIN_READ);
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

	@Override
	public List<BlockStats> blockStats() {
		check(Permission.DOMAIN_READ);
		// deliberately not behind the operation lock: a read must not wait for a shutdown
		// in progress; the
		// monitor serializes the command itself, and the QMP timeout bounds it
		QemuRun current = requireActive("read the block statistics of");
		return BlockStatsReader.read(current.monitor.execute("query-blockstats"), current.liveDefinition);
	}

	@Override
	public boolean isPersistent() {
		check(Permission.DOMAIN_READ);
		ensureExists();
		return persistentFlag();
	}

	@Override
	public String xml(boolean secure) {
		check(Permission.DOMAIN_READ);
		if (secure) {
			check(Permission.DOMAIN_READ_SECURE);
		}
		ensureExists();
		DomainDefinition def;
		synchronized (this) {
			def = (this.run != null) ? this.run.liveDefinition : this.definition;
		}
		return DomainXml.write(def, secure);
	}

	@Override
	public String qmp(String commandJson) {
		check(Permission.DOMAIN_WRITE);
		JsonNode command;
		try {
			command = JSON.readTree(commandJson);
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
			JsonNode result = current.monitor.execute(command.path("execute").asString(), (ObjectNode) arguments);
			return JSON.writeValueAsString(result);
		});
	}

	@Override
	public DomainConsole openConsole() {
		check(Permission.DOMAIN_OPEN_DEVICE);
		QemuRun current = locked(() -> requireActive("open the console of"));
		if (current.serialSockets.isEmpty()) {
			throw new InvalidOperationException("Domain '" + this.name
					+ "' has no serial console: add <serial type='pty'/> (and <console type='pty'/>) to its XML");
		}
		return SocketConsole.connect(current.serialSockets.get(0));
	}

	@Override
	public GuestAgent guest() {
		// no check here: each agent call asks the policy with its own permission
		return this.guestAgent;
	}

	@Override
	public String toString() {
		return "Domain[" + this.name + ", " + this.uuid + "]";
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
			if (currentStatus().isActive()) {
				throw new InvalidOperationException("Domain '" + this.name + "' is running: destroy it before "
						+ "restoring a saved state into it");
			}
			restoreLocked(file, image);
			return null;
		}));
	}

	/** Adopts a QEMU process left by an earlier driver (reconnect). */
	void adopt(QemuRun adopted, DomainStatus adoptedStatus) {
		synchronized (this) {
			this.run = adopted;
			this.status = adoptedStatus;
		}
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

	/** Called by {@link DomainProcesses} once QEMU runs. */
	void running(QemuRun started, StateReason reason, DomainEventType eventType) {
		synchronized (this) {
			this.run = started;
		}
		transition(started, reason, eventType, "");
	}

	/**
	 * Sets the status if {@code forRun} is still the current run; publishes the event
	 * only on a change.
	 */
	void transition(QemuRun forRun, StateReason reason, DomainEventType eventType, String detail) {
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
	 * QEMU of {@code ended} is gone and its files are cleaned up: record the final
	 * status, publish, and apply {@code on_poweroff}/{@code on_crash}/reboot. Runs on a
	 * background thread.
	 */
	void stopped(QemuRun ended, StateReason reason, String detail) {
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
		LifecycleAction action = nextAction(ended, reason);
		if (action == LifecycleAction.RESTART && this.context.launcherOpen()) {
			this.context.background().execute(() -> restart(ended));
			return;
		}
		if (transientGone) {
			synchronized (this) {
				this.removed = true;
			}
			this.processes.forget();
		}
	}

	private LifecycleAction nextAction(QemuRun ended, StateReason reason) {
		if (ended.destroyRequested) {
			return LifecycleAction.DESTROY;
		}
		if ((ended.rebootRequested || ended.guestReset) && reason == StateReason.SHUTOFF_SHUTDOWN) {
			// a reboot, asked through reboot() or by the guest: on_reboot decides
			// (destroy, or come back)
			return (ended.liveDefinition.onReboot() == LifecycleAction.DESTROY) ? LifecycleAction.DESTROY
					: LifecycleAction.RESTART;
		}
		if (reason == StateReason.SHUTOFF_SHUTDOWN) {
			return ended.liveDefinition.onPoweroff();
		}
		if (reason == StateReason.SHUTOFF_CRASHED && ended.panicked) {
			// as in libvirt, on_crash is about the guest kernel panicking; QEMU itself
			// dying is not restarted
			return ended.liveDefinition.onCrash();
		}
		return LifecycleAction.DESTROY;
	}

	private void restart(QemuRun ended) {
		try {
			locked(() -> {
				if (currentStatus().isActive() || isRemoved()) {
					return null;
				}
				DomainDefinition def = persistentFlag() ? persistentDefinition() : ended.liveDefinition;
				this.processes.start(def, StateReason.RUNNING_BOOTED, DomainEventType.REBOOTED);
				return null;
			});
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Could not restart domain '" + this.name + "'", ex);
		}
	}

	/**
	 * A QMP event of the current run (called on a driver thread, never the QMP I/O
	 * thread).
	 */
	void onMonitorEvent(QemuRun source, QmpEvent event) {
		this.monitorEvents.handle(source, event);
	}

	/**
	 * After a guest panic with on_crash destroy or restart: end QEMU (the exit reads as
	 * crashed).
	 */
	void endAfterPanic(QemuRun source) {
		this.context.background().execute(() -> this.processes.killAfterPanic(source));
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
		boolean wasRunning = currentStatus().state() == DomainState.RUNNING;
		if (wasRunning) {
			current.ownStops.incrementAndGet();
			try {
				current.monitor.execute("stop");
			}
			catch (RuntimeException ex) {
				current.ownStops.decrementAndGet();
				throw ex;
			}
		}
		StateReason before = currentStatus().reason();
		transition(current, StateReason.PAUSED_SAVE, null, "");
		try {
			DomainSaver.save(current, file, wasRunning, this.context.config().startTimeout().multipliedBy(10));
		}
		catch (RuntimeException ex) {
			// nothing was kept: the domain goes on as it was
			if (wasRunning && current.process.isAlive()) {
				current.ownResumes.incrementAndGet();
				current.monitor.execute("cont");
			}
			transition(current, before, null, "");
			throw ex;
		}
		current.saved = true;
		publish(DomainEventType.SAVED, currentStatus(), file.toString());
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
		publish(DomainEventType.RESTORED, currentStatus(), file.toString());
	}

	private Path managedSaveFile() {
		return this.context.layout().managedSaveFile(this.name);
	}

	private void deleteManagedSave(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			throw new io.github.qemuembed.driver.error.HostIoException("Cannot remove the managed save image " + file,
					ex);
		}
	}

	// ---- helpers ----

	private void check(Permission permission) {
		this.context.access().check(permission, this.identity);
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
			Thread.currentThread().interrupt();
			throw new OperationTimeoutException("Interrupted while waiting for domain '" + this.name + "' to stop");
		}
		catch (ExecutionException ex) {
			if (refusal.isCompletedExceptionally() && !current.stopped.isDone()) {
				throw unwrap(ex.getCause());
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
	private <T> T observed(DomainOperation operation, Operation listened, java.util.function.Supplier<T> call) {
		return observed(this.context, operation, this.name, listened, call);
	}

	/**
	 * {@link #observed(DomainOperation, Operation, java.util.function.Supplier)} for the
	 * driver's own operations.
	 */
	static <T> T observed(DriverContext context, DomainOperation operation, String name, Operation listened,
			java.util.function.Supplier<T> call) {
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

	private <T> T locked(java.util.function.Supplier<T> operation) {
		try {
			if (!this.operations.tryLock(
					this.context.config().startTimeout().toMillis() + this.context.config().qmpTimeout().toMillis(),
					TimeUnit.MILLISECONDS)) {
				throw new OperationTimeoutException("Domain '" + this.name
						+ "' is busy with another operation that did not finish in time; try again");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new OperationTimeoutException("Interrupted while waiting for domain '" + this.name + "'");
		}
		try {
			this.context.ensureOpen();
			return operation.get();
		}
		finally {
			this.operations.unlock();
		}
	}

	static void deleteRecursively(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (var paths = Files.walk(dir)) {
			paths.sorted(java.util.Comparator.reverseOrder()).forEach((p) -> {
				try {
					Files.deleteIfExists(p);
				}
				catch (IOException ex) {
					// best effort: a leftover private directory is harmless and replaced
					// at the next start
				}
			});
		}
		catch (IOException ex) {
			// same
		}
	}

	static QemuEmbedException unwrap(Throwable ex) {
		Throwable cause = (ex instanceof ExecutionException && ex.getCause() != null) ? ex.getCause() : ex;
		if (cause instanceof QemuEmbedException qe) {
			return qe;
		}
		return new QemuEmbedException(io.github.qemuembed.driver.error.ErrorCode.INTERNAL_ERROR,
				String.valueOf(cause.getMessage()), cause);
	}

}
