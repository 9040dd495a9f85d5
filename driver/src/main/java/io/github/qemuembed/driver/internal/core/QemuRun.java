package io.github.qemuembed.driver.internal.core;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.internal.agent.GuestAgentClient;
import io.github.qemuembed.driver.internal.monitor.DomainMonitor;
import io.github.qemuembed.driver.internal.process.ProcessIdentity;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.secondary.NetworkPort;

/**
 * One life of a QEMU process for a domain: from exec to exit.
 * <p>
 * What the driver or the guest asked for during the run is recorded here through methods
 * that say what happened ({@link #markDestroyRequested()},
 * {@link #markGuestShutdown(String)}, ...), so that the exit can be given the right
 * reason ({@link #exitReason()}) and the lifecycle policy can decide what follows. The
 * flags are private: this class is their only writer, whoever reports the fact.
 */
final class QemuRun {

	final int id;

	final ProcessHandle process;

	/**
	 * The {@link Process} when QEMU is this JVM's child (null for a process adopted from
	 * an earlier driver).
	 */
	final Process child;

	/**
	 * Read once QEMU has exec'd (before that, the kernel still shows the wrapper's
	 * command line). Written by {@link DomainProcesses} only.
	 */
	volatile ProcessIdentity identity;

	/**
	 * The OOM-kill count of QEMU's memory cgroup, read once QEMU runs: tells an OOM kill
	 * from another SIGKILL. Written by {@link DomainProcesses} only.
	 */
	volatile OomWatch oomWatch = OomWatch.NONE;

	final Path privateDir;

	final Path monitorSocket;

	final List<Path> serialSockets;

	final Instant startedAt;

	/**
	 * The definition QEMU runs with; replaced (by {@link DomainProcesses#recordLive})
	 * when an external snapshot moves disks to overlays or a device is hot-plugged.
	 */
	volatile DomainDefinition liveDefinition;

	/**
	 * Completes when the exit has been fully handled (state updated, files removed,
	 * events queued).
	 */
	final CompletableFuture<StateReason> stopped = new CompletableFuture<>();

	/** The monitor, connected by {@link DomainProcesses} once QEMU made its socket. */
	volatile DomainMonitor monitor;

	/**
	 * virtio-serial ports the guest opened (QMP {@code VSERPORT_CHANGE}), for the guest
	 * agent channel's state.
	 */
	final VirtioPorts ports = new VirtioPorts(this.stopped);

	/** Operations waiting for a QMP event of this run (detach, block jobs). */
	final MonitorWaiters waiters = new MonitorWaiters(this.stopped);

	/**
	 * The connection to the guest agent channel, opened on first use; written by
	 * {@link DomainAgentChannel} only.
	 */
	volatile GuestAgentClient agent;

	/** Network ports reserved for this run's NICs, released when QEMU is gone. */
	private volatile List<NetworkPort> networkPorts = List.of();

	/**
	 * Host taps the driver created for this run (as root), deleted once QEMU has gone.
	 */
	private volatile List<String> taps = List.of();

	/** The driver is stopping the process (destroy, forced shutdown, driver close). */
	private volatile boolean destroyRequested;

	/** QEMU reported a guest-initiated power-off (QMP SHUTDOWN with guest=true). */
	private volatile boolean guestShutdown;

	/**
	 * The guest rebooted while QEMU runs with {@code -no-reboot} (on_reboot=destroy): QMP
	 * SHUTDOWN reason guest-reset.
	 */
	private volatile boolean guestReset;

	/**
	 * {@code reboot()} asked the guest to power off so that the domain can be started
	 * again.
	 */
	private volatile boolean rebootRequested;

	/**
	 * The driver closed without stopping this VM (detach): a later exit belongs to the
	 * next driver.
	 */
	private volatile boolean detached;

	/**
	 * The state was saved to a file before the driver stopped QEMU: the exit reads as
	 * shutoff/saved.
	 */
	private volatile boolean saved;

	/** The guest panicked (QMP GUEST_PANICKED). */
	private volatile boolean panicked;

	/**
	 * {@code stop}/{@code cont} commands the driver itself sent (suspend, resume, start,
	 * save, snapshot), which set the state themselves: each produces exactly one
	 * STOP/RESUME event, which is consumed instead of being reported twice. Pauses the
	 * driver did not cause (raw QMP, I/O errors) still come through.
	 */
	private final AtomicInteger ownStops = new AtomicInteger();

	private final AtomicInteger ownResumes = new AtomicInteger();

	QemuRun(int id, ProcessHandle process, Process child, Path privateDir, Path monitorSocket, List<Path> serialSockets,
			Instant startedAt, DomainDefinition liveDefinition) {
		this.id = id;
		this.process = process;
		this.child = child;
		this.privateDir = privateDir;
		this.monitorSocket = monitorSocket;
		this.serialSockets = List.copyOf(serialSockets);
		this.startedAt = startedAt;
		this.liveDefinition = liveDefinition;
	}

	long pid() {
		return this.process.pid();
	}

	// ---- the driver's own pauses and resumes ----

	/**
	 * Pauses the vCPUs ({@code stop}) as the driver's own command: its STOP event is
	 * consumed by {@link #consumeOwnStop()}, not reported as a pause.
	 */
	void stopVcpus() {
		this.ownStops.incrementAndGet();
		try {
			this.monitor.stop();
		}
		catch (RuntimeException ex) {
			this.ownStops.decrementAndGet();
			throw ex;
		}
	}

	/**
	 * Lets the vCPUs run ({@code cont}) as the driver's own command (see
	 * {@link #stopVcpus()}).
	 */
	void resumeVcpus() {
		this.ownResumes.incrementAndGet();
		try {
			this.monitor.cont();
		}
		catch (RuntimeException ex) {
			this.ownResumes.decrementAndGet();
			throw ex;
		}
	}

	/**
	 * Whether a STOP event answers one of the driver's own {@code stop}s (taken off the
	 * count).
	 */
	boolean consumeOwnStop() {
		return consume(this.ownStops);
	}

	/**
	 * Whether a RESUME event answers one of the driver's own {@code cont}s (taken off the
	 * count).
	 */
	boolean consumeOwnResume() {
		return consume(this.ownResumes);
	}

	private static boolean consume(AtomicInteger own) {
		return own.getAndUpdate((n) -> Math.max(0, n - 1)) > 0;
	}

	// ---- what happened ----

	/** The driver is ending the process (destroy, forced shutdown, a failed start). */
	void markDestroyRequested() {
		this.destroyRequested = true;
	}

	/** {@code reboot()} pressed the power button to start the domain again. */
	void markRebootRequested() {
		this.rebootRequested = true;
	}

	/**
	 * The guest powered off ({@code SHUTDOWN} with {@code guest=true}); {@code reason} is
	 * QMP's ({@code guest-reset} when a guest reboot ends QEMU under {@code -no-reboot}).
	 */
	void markGuestShutdown(String reason) {
		this.guestReset = "guest-reset".equals(reason);
		this.guestShutdown = true;
	}

	/** The guest panicked ({@code GUEST_PANICKED}, or found so when adopted). */
	void markPanicked() {
		this.panicked = true;
	}

	/** The whole state was saved to a file: the exit that follows reads as saved. */
	void markSaved() {
		this.saved = true;
	}

	/** The driver closes and leaves QEMU running for the next one. */
	void markDetached() {
		this.detached = true;
	}

	boolean destroyRequested() {
		return this.destroyRequested;
	}

	/** A reboot was asked for, by {@code reboot()} or by the guest. */
	boolean rebootWanted() {
		return this.rebootRequested || this.guestReset;
	}

	boolean panicked() {
		return this.panicked;
	}

	boolean detached() {
		return this.detached;
	}

	/** The reason the exit of this run gets from what happened during it. */
	StateReason exitReason() {
		if (this.saved) {
			return StateReason.SHUTOFF_SAVED;
		}
		if (this.destroyRequested) {
			return StateReason.SHUTOFF_DESTROYED;
		}
		return (this.guestShutdown && !this.panicked) ? StateReason.SHUTOFF_SHUTDOWN : StateReason.SHUTOFF_CRASHED;
	}

	// ---- host resources held by the run ----

	List<NetworkPort> networkPorts() {
		return this.networkPorts;
	}

	/** Ports reserved at start, or recorded by an earlier driver. */
	void holdNetworkPorts(List<NetworkPort> ports) {
		this.networkPorts = List.copyOf(ports);
	}

	/** Ports a hot-plugged NIC reserved, held on top of the others. */
	synchronized void addNetworkPorts(List<NetworkPort> ports) {
		List<NetworkPort> all = new ArrayList<>(this.networkPorts);
		all.addAll(ports);
		this.networkPorts = List.copyOf(all);
	}

	/** The ports to release once QEMU is gone; the run holds none afterwards. */
	synchronized List<NetworkPort> releaseNetworkPorts() {
		List<NetworkPort> held = this.networkPorts;
		this.networkPorts = List.of();
		return held;
	}

	List<String> taps() {
		return this.taps;
	}

	void holdTaps(List<String> created) {
		this.taps = List.copyOf(created);
	}

	/** The taps to delete once QEMU is gone; the run holds none afterwards. */
	synchronized List<String> releaseTaps() {
		List<String> held = this.taps;
		this.taps = List.of();
		return held;
	}

}
