package io.github.qemuembed.driver.internal.core;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.internal.process.ProcessIdentity;
import io.github.qemuembed.driver.qmp.QmpClient;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;

/**
 * One life of a QEMU process for a domain: from exec to exit. The flags record what the
 * driver or the guest asked for, so that the exit can be given the right reason
 * (destroyed, shutdown, crashed).
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
	 * Read once QEMU has exec'd (before that, the kernel still shows the setpriv
	 * wrapper's command line).
	 */
	volatile ProcessIdentity identity;

	/**
	 * The OOM-kill count of QEMU's memory cgroup, read once QEMU runs: tells an OOM kill
	 * from another SIGKILL.
	 */
	volatile OomWatch oomWatch = OomWatch.NONE;

	final Path privateDir;

	final Path monitorSocket;

	final List<Path> serialSockets;

	final Instant startedAt;

	/**
	 * The definition QEMU runs with; replaced when an external snapshot moves disks to
	 * overlays.
	 */
	volatile DomainDefinition liveDefinition;

	/**
	 * Completes when the exit has been fully handled (state updated, files removed,
	 * events queued).
	 */
	final CompletableFuture<StateReason> stopped = new CompletableFuture<>();

	volatile QmpClient monitor;

	/**
	 * virtio-serial ports the guest opened (QMP {@code VSERPORT_CHANGE}), for the guest
	 * agent channel's state.
	 */
	final VirtioPorts ports = new VirtioPorts(this.stopped);

	/** Operations waiting for a QMP event of this run (detach, block jobs). */
	final MonitorWaiters waiters = new MonitorWaiters(this.stopped);

	/**
	 * The connection to the guest agent channel, opened on first use (see
	 * {@link DomainAgentChannel}).
	 */
	volatile io.github.qemuembed.driver.internal.agent.GuestAgentClient agent;

	/** Network ports reserved for this run's NICs, released when QEMU is gone. */
	volatile List<io.github.qemuembed.driver.secondary.NetworkPort> networkPorts = List.of();

	/**
	 * Host taps the driver created for this run (as root), deleted once QEMU has gone.
	 */
	volatile List<String> taps = List.of();

	/** The driver is stopping the process (destroy, forced shutdown, driver close). */
	volatile boolean destroyRequested;

	/** QEMU reported a guest-initiated power-off (QMP SHUTDOWN with guest=true). */
	volatile boolean guestShutdown;

	/**
	 * The guest rebooted while QEMU runs with {@code -no-reboot} (on_reboot=destroy): QMP
	 * SHUTDOWN reason guest-reset.
	 */
	volatile boolean guestReset;

	/**
	 * {@code reboot()} asked the guest to power off so that the domain can be started
	 * again.
	 */
	volatile boolean rebootRequested;

	/**
	 * The driver closed without stopping this VM (detach): a later exit belongs to the
	 * next driver.
	 */
	volatile boolean detached;

	/**
	 * {@code stop}/{@code cont} commands the driver itself sent (suspend, resume, start),
	 * which set the state themselves: each produces exactly one STOP/RESUME event, which
	 * is consumed here instead of being reported twice. Pauses the driver did not cause
	 * (raw QMP, I/O errors) still come through.
	 */
	final java.util.concurrent.atomic.AtomicInteger ownStops = new java.util.concurrent.atomic.AtomicInteger();

	final java.util.concurrent.atomic.AtomicInteger ownResumes = new java.util.concurrent.atomic.AtomicInteger();

	/**
	 * The state was saved to a file before the driver stopped QEMU: the exit reads as
	 * shutoff/saved.
	 */
	volatile boolean saved;

	/** The guest panicked (QMP GUEST_PANICKED). */
	volatile boolean panicked;

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

}
