package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.error.QmpException;
import io.github.qemuembed.driver.internal.command.QemuCommand;
import io.github.qemuembed.driver.internal.command.QemuCommandBuilder;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import io.github.qemuembed.driver.internal.monitor.DomainMonitor;
import io.github.qemuembed.driver.internal.process.CpuAffinity;
import io.github.qemuembed.driver.internal.process.ProcessIdentity;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.qmp.QmpClientOptions;
import io.github.qemuembed.driver.qmp.QmpEvent;
import io.github.qemuembed.driver.qmp.QmpEventListener;
import io.github.qemuembed.driver.qmp.QmpProtocolError;

/**
 * The process side of one domain: builds the command line, launches QEMU, connects its
 * monitor, notices its exit and cleans up after it. The domain ({@link ManagedDomain})
 * decides <em>when</em>; this class knows <em>how</em>, and tells the domain what
 * happened through its {@link RunCallbacks}.
 */
final class DomainProcesses {

	private static final System.Logger logger = System.getLogger(DomainProcesses.class.getName());

	private static final int LOG_TAIL_BYTES = 2048;

	/**
	 * How often a start looks for QEMU's monitor socket. Coarse on purpose: QEMU makes
	 * the socket early and answers the handshake only once it has built the machine, 20
	 * ms or more later here, so a late look costs the launch nothing; a frequent one
	 * wakes the JVM while QEMU needs the CPU (every 0.25 ms made launches 2–3 ms slower
	 * than every 4 ms: docs/performance.md, launch, fourth pass).
	 */
	private static final long MONITOR_POLL_NANOS = 4_000_000;

	private static final FileAttribute<Set<PosixFilePermission>> PRIVATE = PosixFilePermissions
		.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

	private final DriverContext context;

	private final String name;

	private final UUID uuid;

	/** The domain that owns the runs: told what happens to them. */
	private final RunCallbacks domain;

	/**
	 * Bridges the last start left to qemu-bridge-helper, named when the helper refuses
	 * them.
	 */
	private volatile List<String> helperBridges = List.of();

	/** Monitor events and the exit of this domain's runs, in order. */
	private final SerialExecutor lifecycle;

	DomainProcesses(DriverContext context, String name, UUID uuid, RunCallbacks domain) {
		this.context = context;
		this.name = name;
		this.uuid = uuid;
		this.domain = domain;
		this.lifecycle = new SerialExecutor(context.background());
	}

	/**
	 * Starts QEMU paused ({@code -S}), connects the monitor, records the run, then lets
	 * the vCPUs go. On any failure the process is killed, the run's files are removed,
	 * and the status says {@code shutoff/failed}.
	 */
	void start(DomainDefinition definition, StateReason reason, DomainEventType eventType) {
		start(definition, reason, eventType, null);
	}

	/**
	 * A saved state to load into the new QEMU instead of booting: the image's file and
	 * header.
	 */
	record Incoming(Path file, SaveImage image) {
	}

	/**
	 * Like {@link #start(DomainDefinition, StateReason, DomainEventType)}; with
	 * {@code incoming}, QEMU starts with {@code -incoming defer}, loads the saved state,
	 * and resumes only if it ran when saved.
	 */
	void start(DomainDefinition definition, StateReason reason, DomainEventType eventType, Incoming incoming) {
		ResourceFit.check(this.context, definition);
		RootLayout layout = this.context.layout();
		String name = definition.name();
		int id = this.context.nextDomainId();
		Path privateDir = layout.privateDir(id, name);
		Path monitorSocket = privateDir.resolve("monitor.sock");
		Path log = layout.logFile(name);
		Path pidFile = layout.pidFile(name);
		prepare(privateDir, pidFile);
		CrashPoints.reached("prepared");
		QemuCommand command;
		DomainDefinition withPorts;
		RunTaps.Prepared taps = null;
		SecondaryResolver.Resolved resolved = null;
		try {
			resolved = SecondaryResolver.resolve(this.context, definition, privateDir, monitorSocket, pidFile, log);
			// <portForward start='0'>: host ports chosen now, shown in the live
			// definition only
			withPorts = HostPorts.choose(definition);
			// as root: the NICs' taps, named in the live definition
			taps = RunTaps.create(withPorts, resolved.context());
			withPorts = taps.definition();
			this.helperBridges = RunTaps.helperBridges(withPorts, resolved.context());
			command = QemuCommandBuilder.build(withPorts, this.context.capabilities(), resolved.context());
			// after the build: the firmware chosen for <os firmware='efi'> and a derived
			// NVRAM path are known then
			prepareNvram(command.definition());
		}
		catch (RuntimeException ex) {
			if (resolved != null) {
				SecondaryResolver.release(this.context, resolved.ports());
			}
			if (taps != null) {
				RunTaps.delete(taps.created());
			}
			FileTrees.deleteQuietly(privateDir);
			throw ex;
		}
		List<String> argv = command.argv();
		if (incoming != null) {
			argv = new ArrayList<>(argv);
			argv.addAll(List.of("-incoming", "defer"));
		}
		DomainLog.appendStart(log, this.context.driverVersion(), this.context.capabilities().version(), command.env(),
				this.context.launcher().wrap(argv));
		CrashPoints.reached("log-started");
		List<Process> helpers;
		Process child;
		try {
			helpers = HelperProcesses.start(command.helpers(), this.context.launcher(), log,
					this.context.config().startTimeout());
			try {
				child = this.context.launcher().launch(argv, command.env(), log);
			}
			catch (RuntimeException ex) {
				HelperProcesses.stop(helpers);
				throw ex;
			}
		}
		catch (RuntimeException ex) {
			SecondaryResolver.release(this.context, resolved.ports());
			RunTaps.delete(taps.created());
			FileTrees.deleteQuietly(privateDir);
			throw ex;
		}
		QemuRun run = new QemuRun(id, child.toHandle(), child, privateDir, monitorSocket, command.serialSockets(),
				Instant.now(), command.definition());
		run.holdNetworkPorts(resolved.ports());
		run.holdTaps(taps.created());
		CrashPoints.reached("spawned");
		try {
			// what is written here overlaps QEMU's own start-up, which the monitor
			// handshake below waits for anyway
			if (this.domain.isPersistent() && !command.definition().equals(withPorts)) {
				// a definition stored without its addresses (an earlier release's, or
				// one a CONFIG change gave a device without one) keeps those assigned now
				DomainDefinition persistent = HostPorts.unchoose(command.definition(), definition);
				this.context.definitions().save(persistent);
				this.domain.persistentDefinitionChanged(persistent);
			}
			CrashPoints.reached("definition-written-back");
			awaitMonitorSocket(run, log);
			CrashPoints.reached("monitor-socket");
			// QEMU runs (it made its socket) in the cgroup it will die in, and has not
			// built the machine (nor preallocated its RAM) yet: an OOM kill from here on
			// is told apart from other SIGKILLs
			run.oomWatch = OomWatch.of(run.pid());
			// the socket exists, so the wrappers have exec'd QEMU, which wrote its
			// pidfile before it made the socket
			run.identity = ProcessIdentity.of(run.pid())
				.orElseThrow(() -> new EmulatorException(exitMessage(name, log, run)));
			verifyPidFile(pidFile, run, log);
			// recorded before the vCPUs can run and before the handshake, which waits
			// until QEMU has built the machine: a crash from here on leaves a run state
			// for the next driver to adopt or reap (StartCrashTests)
			this.context.runStates().write(runState(run));
			CrashPoints.reached("run-state-written");
			run.monitor = connectMonitor(run, log);
			CrashPoints.reached("monitor-connected");
			// <vcpu cpuset>: the vCPU threads exist (QEMU waits at -S) and have not run
			// yet
			command.definition().vcpu().cpuset().ifPresent((cpus) -> CpuAffinity.apply(run.pid(), cpus));
			this.domain.runAttached(run, DomainStatus.of(StateReason.PAUSED_STARTING_UP));
			run.process.onExit().whenCompleteAsync((h, ex) -> exited(run), this.lifecycle);
			CrashPoints.reached("attached");
			if (incoming != null) {
				// the saved state has its own balloon size; the vCPUs resume only if they
				// ran when saved
				DomainSaver.restore(run, incoming.file(), incoming.image(), this.context.config().startTimeout());
				if (!incoming.image().wasRunning()) {
					this.domain.stateChanged(run, StateReason.PAUSED_USER, eventType, "restored");
					return;
				}
			}
			else {
				applyCurrentMemory(run);
			}
			run.resumeVcpus();
			CrashPoints.reached("resumed");
			this.domain.stateChanged(run, reason, eventType, "");
		}
		catch (RuntimeException ex) {
			QemuEmbedException failure = startFailure(name, log, run, ex);
			abortStart(run);
			// they end by themselves when QEMU closes their sockets; QEMU may never have
			// opened them
			HelperProcesses.stop(helpers);
			throw failure;
		}
		finally {
			// the next start's wrapper, now that this QEMU no longer needs the CPUs to
			// start up
			this.context.launcher().prepareSpare();
		}
	}

	/**
	 * Like libvirt: a UEFI variable store that does not exist yet starts as a copy of its
	 * template.
	 */
	private static void prepareNvram(DomainDefinition definition) {
		definition.os().nvram().ifPresent((nvram) -> {
			Path path = Path.of(nvram.path());
			if (Files.exists(path) || nvram.template().isEmpty()) {
				return;
			}
			try {
				Files.createDirectories(path.toAbsolutePath().getParent());
				Files.copy(Path.of(nvram.template().get()), path);
			}
			catch (IOException ex) {
				throw new HostIoException("Cannot create the NVRAM store " + path + " from its template "
						+ nvram.template().get() + " (/domain/os/nvram)", ex);
			}
		});
	}

	/**
	 * {@code <currentMemory>} below {@code <memory>}: the guest starts with the balloon
	 * inflated to the difference, set before the vCPUs run (needs the memballoon device,
	 * which libvirt adds by default).
	 */
	private void applyCurrentMemory(QemuRun run) {
		DomainDefinition live = run.liveDefinition;
		if (live.currentMemoryKiB() >= live.memoryKiB()) {
			return;
		}
		// the parser refuses currentMemory below memory without a balloon, and the
		// definition always has one
		run.monitor.setBalloon(live.currentMemoryKiB() * 1024);
	}

	private void prepare(Path privateDir, Path pidFile) {
		try {
			// made first and cleared only when it is there: a leftover of an earlier
			// driver with the same domain id is rare, and the exceptions a check for it
			// throws inside the JDK cost each start more than the mkdir
			try {
				createPrivateDir(privateDir);
			}
			catch (FileAlreadyExistsException ex) {
				FileTrees.deleteQuietly(privateDir);
				createPrivateDir(privateDir);
			}
			catch (NoSuchFileException ex) {
				Files.createDirectories(privateDir.getParent());
				createPrivateDir(privateDir);
			}
			Files.deleteIfExists(pidFile);
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot prepare " + privateDir, ex);
		}
	}

	private static void createPrivateDir(Path privateDir) throws IOException {
		Files.createDirectory(privateDir, PRIVATE);
	}

	/**
	 * QEMU writes its pidfile before it serves the monitor. The pid in it must be the
	 * process we started (the wrappers exec, they do not fork): everything the driver
	 * later signals is that pid.
	 */
	private void verifyPidFile(Path pidFile, QemuRun run, Path log) {
		try {
			String text = Files.readString(pidFile).trim();
			if (!text.equals(Long.toString(run.pid()))) {
				throw new EmulatorException(
						"QEMU's pidfile " + pidFile + " says " + text + " but the process started is " + run.pid()
								+ ": refusing to manage a process the driver cannot identify");
			}
		}
		catch (IOException ex) {
			// QEMU writes the pidfile before its monitor socket and deletes it when it
			// exits: gone now means QEMU is quitting (a disk it cannot open), and its log
			// says why
			if (waitFor(run.process, Duration.ofSeconds(5))) {
				throw new EmulatorException(exitMessage(this.name, log, run), ex);
			}
			throw new EmulatorException("QEMU did not write its pidfile " + pidFile + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * QEMU creates its monitor socket early; if it dies first (bad argv), say why at once
	 * from its log.
	 */
	private void awaitMonitorSocket(QemuRun run, Path log) {
		long deadline = System.nanoTime() + this.context.config().startTimeout().toNanos();
		while (!Files.exists(run.monitorSocket)) {
			if (!run.process.isAlive()) {
				throw new EmulatorException(exitMessage(this.name, log));
			}
			if (System.nanoTime() > deadline) {
				throw new OperationTimeoutException("QEMU for domain '" + this.name
						+ "' did not open its monitor within " + this.context.config().startTimeout());
			}
			// QEMU says nothing when the socket exists
			LockSupport.parkNanos(MONITOR_POLL_NANOS);
			if (Thread.interrupted()) {
				throw OperationInterruptedException.restoring("Interrupted while starting domain '" + this.name + "'",
						new InterruptedException());
			}
		}
	}

	/**
	 * Connects the monitor; gives up at once, with QEMU's own message, if QEMU exits
	 * meanwhile.
	 */
	private DomainMonitor connectMonitor(QemuRun run, Path log) {
		try {
			return DomainMonitor.connect(run.monitorSocket, qmpOptions(), listenerFor(run), run.process);
		}
		catch (OperationTimeoutException | QmpException ex) {
			if (!run.process.isAlive()) {
				throw new EmulatorException(exitMessage(this.name, log, run), ex);
			}
			throw ex;
		}
	}

	private QemuEmbedException startFailure(String name, Path log, QemuRun run, RuntimeException ex) {
		if (!(ex instanceof EmulatorException) && waitFor(run.process, Duration.ofMillis(200))) {
			// QEMU died under us while starting: its log says why, better than a broken
			// pipe
			return new EmulatorException(exitMessage(name, log, run), ex);
		}
		return (ex instanceof QemuEmbedException qe) ? qe : Failures.unwrap(ex);
	}

	private void abortStart(QemuRun run) {
		run.markDestroyRequested();
		run.process.destroyForcibly();
		waitFor(run.process, Duration.ofSeconds(10));
		if (run.monitor != null) {
			run.monitor.close();
		}
		cleanup(run);
		this.domain.startFailed();
	}

	/**
	 * Like {@link #exitMessage(String, Path)}, saying so when the OOM killer ended the
	 * starting QEMU.
	 */
	private String exitMessage(String name, Path log, QemuRun run) {
		if (run.child != null && waitFor(run.process, Duration.ofSeconds(1)) && run.child.exitValue() == 128 + 9) {
			Optional<String> oom = run.oomWatch.oomKill();
			if (oom.isPresent()) {
				return "QEMU for domain '" + name + "' was killed while starting (signal 9), " + oom.get() + " (see "
						+ log + ")";
			}
		}
		return exitMessage(name, log);
	}

	private String exitMessage(String name, Path log) {
		String tail = DomainLog.tail(log, LOG_TAIL_BYTES).strip();
		int lastHeader = tail.lastIndexOf(": starting up qemu-embed");
		if (lastHeader >= 0) {
			int lineEnd = tail.indexOf('\n', tail.indexOf('\n', lastHeader) + 1);
			tail = lineEnd >= 0 ? tail.substring(lineEnd + 1).strip() : "";
		}
		return "QEMU for domain '" + name + "' exited while starting" + (tail.isEmpty() ? "" : ": " + tail) + " (see "
				+ log + ")" + RunTaps.bridgeHelperHint(tail, this.helperBridges);
	}

	private QmpClientOptions qmpOptions() {
		return QmpClientOptions.defaults()
			.withConnectTimeout(this.context.config().startTimeout())
			.withCommandTimeout(this.context.config().qmpTimeout())
			.withObserver(this.context.config().observer(), this.name);
	}

	private QmpEventListener listenerFor(QemuRun run) {
		return new QmpEventListener() {

			@Override
			public void onEvent(QmpEvent event) {
				if (MonitorEvents.isOwnResume(run, event)) {
					// the driver's own cont (start, resume) sets the state itself: its
					// RESUME has nothing to do, and waking a lifecycle thread for it,
					// just
					// when QEMU needs both CPUs to let its vCPU go and answer the cont,
					// delayed the answer (docs/performance.md, launch)
					return;
				}
				// never on the QMP I/O thread: the domain may need to call back into QEMU
				DomainProcesses.this.lifecycle.execute(() -> DomainProcesses.this.domain.monitorEvent(run, event));
			}

			@Override
			public void onDisconnect(QmpProtocolError cause) {
				logger.log(Level.DEBUG, () -> "Monitor of domain '" + DomainProcesses.this.name + "' disconnected: "
						+ cause.getMessage());
			}

		};
	}

	/**
	 * The run's disks changed (an external snapshot): keep the live definition and its
	 * record in step.
	 */
	void recordLive(QemuRun run, DomainDefinition live) {
		run.liveDefinition = live;
		this.context.runStates().write(runState(run));
	}

	private RunState runState(QemuRun run) {
		return new RunState(this.name, this.uuid.toString(), run.id, run.pid(), run.identity.startTicks(),
				run.identity.commandLine(), run.monitorSocket.toString(), run.privateDir.toString(),
				run.serialSockets.stream().map(Path::toString).toList(), run.startedAt.toEpochMilli(),
				this.domain.isPersistent(), RunState.encodePorts(run.networkPorts()),
				DomainXml.write(run.liveDefinition, true), run.taps());
	}

	/**
	 * Adopts a process recorded by an earlier driver whose identity was proven: connect
	 * its monitor and watch its exit.
	 */
	QemuRun adopt(RunState state, ProcessIdentity identity, DomainDefinition live) {
		ProcessHandle handle = ProcessHandle.of(state.pid())
			.orElseThrow(() -> new EmulatorException("Process " + state.pid() + " is gone"));
		QemuRun run = new QemuRun(state.id(), handle, null, Path.of(state.privateDir()), Path.of(state.monitorSocket()),
				state.serialSockets().stream().map(Path::of).toList(), Instant.ofEpochMilli(state.startedAt()), live);
		run.identity = identity;
		run.holdNetworkPorts(state.ports());
		run.holdTaps(state.tapList());
		run.oomWatch = OomWatch.of(run.pid());
		run.monitor = DomainMonitor.connect(run.monitorSocket, qmpOptions(), listenerFor(run), null);
		DomainMonitor.RunStatus status = run.monitor.queryStatus();
		StateReason reason;
		if (status.running()) {
			reason = StateReason.RUNNING_UNKNOWN;
		}
		else if ("guest-panicked".equals(status.status())) {
			// kept by on_crash=preserve under the earlier driver
			run.markPanicked();
			reason = StateReason.CRASHED_PANICKED;
		}
		else {
			reason = StateReason.PAUSED_UNKNOWN;
		}
		this.domain.runAttached(run, DomainStatus.of(reason));
		run.process.onExit().whenCompleteAsync((h, ex) -> exited(run), this.lifecycle);
		return run;
	}

	/** SIGTERM, a grace period, then SIGKILL; returns once the exit is fully handled. */
	void destroy(QemuRun run) {
		run.markDestroyRequested();
		run.process.destroy();
		if (!awaitStopped(run, this.context.config().destroyGracePeriod())) {
			run.process.destroyForcibly();
			if (!awaitStopped(run, Duration.ofSeconds(10))) {
				throw new OperationTimeoutException(
						"QEMU of domain '" + this.name + "' (pid " + run.pid() + ") did not exit after SIGKILL");
			}
		}
	}

	/**
	 * After a guest panic with on_crash destroy/restart: end QEMU; the exit is recorded
	 * as a crash.
	 */
	void killAfterPanic(QemuRun run) {
		run.process.destroyForcibly();
	}

	private boolean awaitStopped(QemuRun run, Duration timeout) {
		try {
			run.stopped.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			throw OperationInterruptedException.restoring("Interrupted while stopping domain '" + this.name + "'", ex);
		}
		catch (ExecutionException ex) {
			return true;
		}
	}

	/**
	 * QEMU of {@code run} is gone. Runs on the domain's lifecycle executor, after its
	 * last events.
	 */
	private void exited(QemuRun run) {
		if (run.detached()) {
			run.stopped.complete(StateReason.SHUTOFF_UNKNOWN);
			return;
		}
		try {
			StateReason reason = run.exitReason();
			String detail = exitDetail(run);
			if (reason == StateReason.SHUTOFF_CRASHED) {
				logger.log(Level.WARNING, "QEMU of domain '" + this.name + "' exited unexpectedly (" + detail + ")");
			}
			DomainLog.appendLine(this.context.layout().logFile(this.name),
					"shutting down, reason=" + reason.label() + (detail.isEmpty() ? "" : ", " + detail));
			if (run.monitor != null) {
				run.monitor.close();
			}
			cleanup(run);
			this.domain.runEnded(run, reason, detail);
			run.stopped.complete(reason);
		}
		catch (RuntimeException ex) {
			run.stopped.completeExceptionally(ex);
			logger.log(Level.WARNING, "Cleaning up after domain '" + this.name + "' failed", ex);
		}
	}

	private static String exitDetail(QemuRun run) {
		if (run.child == null) {
			// adopted from an earlier driver: no exit status, but the cgroup still counts
			// an OOM kill
			return run.destroyRequested() ? "" : run.oomWatch.oomKill().orElse("");
		}
		try {
			int status = run.child.waitFor(1, TimeUnit.SECONDS) ? run.child.exitValue() : -1;
			if (status == 128 + 9 && !run.destroyRequested()) {
				Optional<String> oom = run.oomWatch.oomKill();
				if (oom.isPresent()) {
					return "killed by signal 9, " + oom.get();
				}
			}
			return status > 128 ? "killed by signal " + (status - 128) : "exit status " + status;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "";
		}
	}

	private void cleanup(QemuRun run) {
		SecondaryResolver.release(this.context, run.releaseNetworkPorts());
		// QEMU has gone (cleanup runs after its exit): nothing holds the taps any more
		RunTaps.delete(run.releaseTaps());
		FileTrees.deleteQuietly(run.privateDir);
		try {
			this.context.runStates().delete(this.name);
		}
		catch (HostIoException ex) {
			logger.log(Level.WARNING, "Cannot remove the run state of '" + this.name + "'", ex);
		}
	}

	private static boolean waitFor(ProcessHandle process, Duration timeout) {
		try {
			process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
			return true;
		}
		catch (TimeoutException | ExecutionException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
