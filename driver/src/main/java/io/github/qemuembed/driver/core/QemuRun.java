package io.github.qemuembed.driver.core;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.process.ProcessIdentity;
import io.github.qemuembed.driver.qmp.QmpClient;
import io.github.qemuembed.driver.xml.DomainDefinition;

/**
 * One life of a QEMU process for a domain: from exec to exit. The flags record what the driver or the
 * guest asked for, so that the exit can be given the right reason (destroyed, shutdown, crashed).
 */
final class QemuRun {

	final int id;

	final ProcessHandle process;

	/** The {@link Process} when QEMU is this JVM's child (null for a process adopted from an earlier driver). */
	final Process child;

	/** Read once QEMU has exec'd (before that, the kernel still shows the setpriv wrapper's command line). */
	volatile ProcessIdentity identity;

	final Path privateDir;

	final Path monitorSocket;

	final List<Path> serialSockets;

	final Instant startedAt;

	final DomainDefinition liveDefinition;

	/** Completes when the exit has been fully handled (state updated, files removed, events queued). */
	final CompletableFuture<StateReason> stopped = new CompletableFuture<>();

	volatile QmpClient monitor;

	/** The driver is stopping the process (destroy, forced shutdown, driver close). */
	volatile boolean destroyRequested;

	/** QEMU reported a guest-initiated power-off (QMP SHUTDOWN with guest=true). */
	volatile boolean guestShutdown;

	/** {@code reboot()} asked the guest to power off so that the domain can be started again. */
	volatile boolean rebootRequested;

	/** The driver closed without stopping this VM (detach): a later exit belongs to the next driver. */
	volatile boolean detached;

	/** The guest panicked (QMP GUEST_PANICKED). */
	volatile boolean panicked;

	QemuRun(int id, ProcessHandle process, Process child, Path privateDir, Path monitorSocket,
			List<Path> serialSockets, Instant startedAt, DomainDefinition liveDefinition) {
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
