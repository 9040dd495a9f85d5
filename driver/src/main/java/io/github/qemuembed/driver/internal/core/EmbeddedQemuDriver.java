package io.github.qemuembed.driver.internal.core;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainEventListener;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.EmulatorInfo;
import io.github.qemuembed.driver.LeftoverPolicy;
import io.github.qemuembed.driver.LoadProblem;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.DomainIdentity;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.error.DomainExistsException;
import io.github.qemuembed.driver.error.DomainNotFoundException;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.internal.capabilities.CapabilityCache;
import io.github.qemuembed.driver.internal.capabilities.CapabilityLookup;
import io.github.qemuembed.driver.internal.capabilities.EmulatorLocator;
import io.github.qemuembed.driver.internal.capabilities.QemuCapabilities;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import io.github.qemuembed.driver.internal.process.ProcessIdentity;
import io.github.qemuembed.driver.internal.process.QemuLauncher;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.observation.DomainOperation;

/**
 * The embedded QEMU driver: one root, locked while open; its domains; their QEMU
 * children.
 * <p>
 * <b>Threads</b> per driver: one launcher thread (see {@link QemuLauncher} for why QEMU
 * is always spawned from it), one event-delivery thread, and a small pool shared by all
 * domains for exit handling and monitor events (idle when nothing happens). Per running
 * VM: the JDK's process-reaper thread that waits for the child's exit; monitor I/O is
 * multiplexed on the QMP client's shared I/O thread. Callers' threads do the operations
 * themselves.
 */
final class EmbeddedQemuDriver implements QemuDriver {

	private static final System.Logger logger = System.getLogger(EmbeddedQemuDriver.class.getName());

	private static final AtomicInteger DRIVER_COUNT = new AtomicInteger();

	private final DriverContext context;

	private final RootLock lock;

	private final EmulatorInfo emulatorInfo;

	private final List<LoadProblem> loadProblems;

	private EmbeddedQemuDriver(DriverContext context, RootLock lock, EmulatorInfo emulatorInfo) {
		this.context = context;
		this.lock = lock;
		this.emulatorInfo = emulatorInfo;
		this.loadProblems = Collections.synchronizedList(new ArrayList<>());
	}

	/** See {@link QemuDriver#open(DriverConfig)}. */
	static QemuDriver open(DriverConfig config) {
		if (config.accessPolicy() == null) {
			throw new InvalidConfigurationException(null, "No access policy: a driver cannot open without one "
					+ "(use AccessPolicy.allowAll() for an application that owns all its VMs)");
		}
		// checks that write nothing come first, so that a refused open leaves the root as
		// it was
		RootLayout layout = RootLayout.of(config.root());
		Path emulator = new EmulatorLocator().locate(config.emulator());
		// the emulator is probed (or its cached capabilities read) on a thread of its own
		// while the root is set up; awaited before anything needs it, so a broken
		// emulator still fails the open
		CapabilityLookup capabilityLookup = new CapabilityCache(layout.capabilitiesDir()).start(emulator,
				config.startTimeout());
		RootLock lock;
		try {
			layout.create();
			lock = RootLock.acquire(layout);
		}
		catch (RuntimeException | Error ex) {
			capabilityLookup.cancel();
			throw ex;
		}
		String tag = layout.root().getFileName() + "-" + DRIVER_COUNT.incrementAndGet();
		EventDispatcher events = null;
		QemuLauncher launcher = null;
		ExecutorService background = null;
		try {
			events = new EventDispatcher(tag);
			launcher = new QemuLauncher(tag, config.killWithOwner());
			background = Executors.newCachedThreadPool(daemonThreads("qemu-embed-domains-" + tag));
			QemuCapabilities capabilities = capabilityLookup.await();
			Accel accel = AccelResolver.resolve(config.accel(), capabilities);
			DriverContext context = new DriverContext(config, layout,
					new AccessChecker(config.accessPolicy(), config.callerSupplier()), events, launcher, capabilities,
					accel, background);
			EmulatorInfo info = new EmulatorInfo(emulator, capabilities.version(), accel,
					List.copyOf(capabilities.accelerators()), capabilities.machineTypes());
			EmbeddedQemuDriver driver = new EmbeddedQemuDriver(context, lock, info);
			driver.loadDefinitions();
			driver.handleLeftovers();
			// DEBUG, not INFO: the starter says it at INFO; a library's own INFO line
			// made
			// the JDK set up its console logging (formatter, time-zone data) inside the
			// first open of a plain application, some 30 ms of it
			logger.log(Level.DEBUG, "qemu-embed driver open on " + layout.root() + " (QEMU " + capabilities.version()
					+ ", " + accel.name().toLowerCase() + ")");
			return driver;
		}
		catch (RuntimeException | Error ex) {
			capabilityLookup.cancel();
			if (launcher != null) {
				launcher.close();
			}
			if (events != null) {
				events.close();
			}
			if (background != null) {
				background.shutdownNow();
			}
			lock.close();
			throw ex;
		}
	}

	private static ThreadFactory daemonThreads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (runnable) -> {
			Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	private void loadDefinitions() {
		for (Path file : this.context.definitions().files()) {
			try {
				DomainDefinition definition = DomainXml.parse(DefinitionStore.read(file));
				String expected = file.getFileName().toString().replaceFirst("\\.xml$", "");
				if (!definition.name().equals(expected)) {
					throw new InvalidConfigurationException("/domain/name", "Definition file " + file
							+ " holds domain '" + definition.name() + "': the file name must be the domain name");
				}
				if (this.context.registry().byUuid(definition.uuid()).isPresent()) {
					throw new DomainExistsException("Definition file " + file + " repeats UUID " + definition.uuid());
				}
				this.context.registry().add(new ManagedDomain(this.context, definition, true));
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING,
						"Skipping persistent definition " + file + " (left untouched): " + ex.getMessage());
				this.loadProblems.add(new LoadProblem(file, ex.getMessage(), ex));
			}
		}
	}

	/**
	 * QEMU processes recorded under {@code run/qemu} by an earlier driver: each is acted
	 * on only if pid, start time and command line all still match; a record that does not
	 * match is stale and removed without touching whatever process now has that pid.
	 */
	private void handleLeftovers() {
		LeftoverPolicy policy = this.context.config().leftovers();
		for (Path file : this.context.runStates().list()) {
			RunState state;
			try {
				state = this.context.runStates().read(file);
				if (state.name() == null || state.privateDir() == null) {
					throw new IllegalStateException("incomplete record");
				}
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Ignoring unreadable run state " + file + ": " + ex.getMessage());
				continue;
			}
			this.context.reserveDomainId(state.id());
			Optional<ProcessIdentity> live = ProcessIdentity.of(state.pid()).filter(state.identity()::sameAs);
			if (live.isEmpty()) {
				logger.log(Level.INFO, "Domain '" + state.name() + "' was recorded running as pid " + state.pid()
						+ " but that process is gone or is another process now: removing the stale record, signalling nothing");
				cleanupStale(state);
				continue;
			}
			try {
				if (policy == LeftoverPolicy.RECONNECT) {
					reconnect(state, live.get());
				}
				else {
					killLeftover(state, live.get());
				}
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Could not handle leftover domain '" + state.name() + "' (pid " + state.pid()
						+ "): " + ex.getMessage(), ex);
			}
		}
	}

	private void cleanupStale(RunState state) {
		SecondaryResolver.release(this.context, state.ports());
		RunTaps.delete(state.tapList());
		this.context.runStates().delete(state.name());
		FileTrees.deleteQuietly(Path.of(state.privateDir()));
	}

	private void killLeftover(RunState state, ProcessIdentity identity) {
		logger.log(Level.INFO, "Destroying leftover QEMU of domain '" + state.name() + "' (pid " + state.pid() + ")");
		ProcessHandle.of(state.pid()).ifPresent((handle) -> {
			// ProcessHandle re-checks the start time before signalling, so a reused pid
			// is never hit
			if (identity.isStillAlive()) {
				handle.destroyForcibly();
				try {
					handle.onExit().get(10, TimeUnit.SECONDS);
				}
				catch (Exception ex) {
					logger.log(Level.WARNING, "Leftover pid " + state.pid() + " did not exit after SIGKILL");
				}
			}
		});
		cleanupStale(state);
	}

	private void reconnect(RunState state, ProcessIdentity identity) {
		DomainDefinition live = DomainXml.parse(state.domainXml());
		ManagedDomain domain = this.context.registry().byName(state.name()).orElse(null);
		if (domain == null) {
			domain = new ManagedDomain(this.context, live, false);
			this.context.registry().add(domain);
		}
		domain.reconnect(state, identity, live);
		logger.log(Level.INFO, "Reconnected to domain '" + state.name() + "' (pid " + state.pid() + ")");
	}

	// ---- QemuDriver ----

	@Override
	public Path root() {
		this.context.access().check(Permission.CONNECT_GETATTR);
		return this.context.layout().root();
	}

	@Override
	public EmulatorInfo emulator() {
		this.context.access().check(Permission.CONNECT_READ);
		return this.emulatorInfo;
	}

	@Override
	public Domain define(String xml) {
		this.context.ensureOpen();
		DomainDefinition definition = DomainXml.parse(xml);
		DomainIdentity identity = new DomainIdentity(definition.name(), definition.uuid());
		this.context.access().check(Permission.DOMAIN_WRITE, identity);
		this.context.access().check(Permission.DOMAIN_SAVE, identity);
		return ManagedDomain.observed(this.context, DomainOperation.DEFINE, definition.name(), null,
				() -> defineAllowed(definition));
	}

	private Domain defineAllowed(DomainDefinition parsed) {
		SecondaryResolver.checkConfigured(this.context, parsed);
		DomainDefinition definition = completed(parsed);
		ManagedDomain domain;
		synchronized (this.context.registry()) {
			ManagedDomain byName = this.context.registry().byName(definition.name()).orElse(null);
			ManagedDomain byUuid = this.context.registry().byUuid(definition.uuid()).orElse(null);
			if (byName != null && !byName.uuid().equals(definition.uuid())) {
				throw new DomainExistsException("Domain '" + definition.name() + "' already exists with UUID "
						+ byName.uuid() + ": remove the <uuid> from the XML or use that UUID");
			}
			if (byUuid != null && byName == null) {
				throw new DomainExistsException("UUID " + definition.uuid() + " already belongs to domain '"
						+ byUuid.name() + "': give the new domain another UUID, or none");
			}
			this.context.definitions().save(definition);
			if (byName != null) {
				byName.redefine(definition);
				domain = byName;
			}
			else {
				domain = new ManagedDomain(this.context, definition, true);
				this.context.registry().add(domain);
			}
		}
		domain.publish(DomainEventType.DEFINED, domain.status(), "");
		return domain.handle();
	}

	/**
	 * What libvirt stores at define: the machine type pinned to this QEMU's version of
	 * it, and every PCI device addressed (adding the controllers they need). The first
	 * start then has nothing to write back while QEMU starts up. A machine type this QEMU
	 * lacks is stored as given: the start says which ones it has.
	 */
	private DomainDefinition completed(DomainDefinition definition) {
		QemuCapabilities capabilities = this.context.capabilities();
		String machine = capabilities.canonicalMachine(definition.os().machine().orElse(capabilities.defaultMachine()));
		if (!capabilities.machineTypes().isEmpty() && !capabilities.machineTypes().contains(machine)) {
			return definition;
		}
		return definition.withAssignedAddresses(machine);
	}

	@Override
	public Domain restore(Path file) {
		this.context.ensureOpen();
		Objects.requireNonNull(file, "file");
		return restore(file, SaveImage.read(file));
	}

	@Override
	public Domain restore(Path file, String xml) {
		this.context.ensureOpen();
		Objects.requireNonNull(file, "file");
		Objects.requireNonNull(xml, "xml");
		SaveImage image = SaveImage.read(file);
		DomainDefinition savedDefinition = DomainXml.parse(image.xml());
		// the caller must be allowed to restore the saved domain before its XML is looked
		// at; the copy's own
		// identity is checked again below
		DomainIdentity savedIdentity = new DomainIdentity(savedDefinition.name(), savedDefinition.uuid());
		this.context.access().check(Permission.DOMAIN_START, savedIdentity);
		this.context.access().check(Permission.DOMAIN_WRITE, savedIdentity);
		String saved = DomainXml.write(savedDefinition, true);
		String given = DomainXml.write(DomainXml.parse(xml), true);
		if (!restorable(saved).equals(restorable(given))) {
			throw new InvalidConfigurationException("/domain", "the XML to restore " + file
					+ " with differs from the saved domain in more than <name>, <uuid> and the disks' <source "
					+ "file>: the saved state needs the same machine and devices; start from the domain's live XML as it "
					+ "was saved (Domain.xml(true)) and change only those");
		}
		return restore(file, new SaveImage(given, image.wasRunning(), image.dataOffset()));
	}

	/** A domain's XML without what a restore may change. */
	private static String restorable(String xml) {
		return xml.replaceFirst("<name>[^<]*</name>", "<name/>")
			.replaceFirst("<uuid>[^<]*</uuid>", "<uuid/>")
			.replaceAll("<source file='[^']*'", "<source file=''");
	}

	private Domain restore(Path file, SaveImage image) {
		DomainDefinition definition = DomainXml.parse(image.xml());
		DomainIdentity identity = new DomainIdentity(definition.name(), definition.uuid());
		this.context.access().check(Permission.DOMAIN_START, identity);
		this.context.access().check(Permission.DOMAIN_WRITE, identity);
		SecondaryResolver.checkConfigured(this.context, definition);
		ManagedDomain domain;
		boolean created = false;
		synchronized (this.context.registry()) {
			ManagedDomain byName = this.context.registry().byName(definition.name()).orElse(null);
			ManagedDomain byUuid = this.context.registry().byUuid(definition.uuid()).orElse(null);
			if (byName != byUuid) {
				throw new DomainExistsException("Cannot restore domain '" + definition.name() + "' ("
						+ definition.uuid() + ") from " + file + ": another domain has its name or UUID");
			}
			domain = byName;
			if (domain == null) {
				domain = new ManagedDomain(this.context, definition, false);
				this.context.registry().add(domain);
				created = true;
			}
		}
		try {
			domain.restoreFrom(file, image);
		}
		catch (RuntimeException ex) {
			if (created) {
				this.context.registry().remove(domain);
			}
			throw ex;
		}
		return domain.handle();
	}

	@Override
	public Domain createTransient(String xml) {
		this.context.ensureOpen();
		DomainDefinition definition = DomainXml.parse(xml);
		DomainIdentity identity = new DomainIdentity(definition.name(), definition.uuid());
		this.context.access().check(Permission.DOMAIN_WRITE, identity);
		this.context.access().check(Permission.DOMAIN_START, identity);
		SecondaryResolver.checkConfigured(this.context, definition);
		ManagedDomain domain;
		synchronized (this.context.registry()) {
			if (this.context.registry().byName(definition.name()).isPresent()
					|| this.context.registry().byUuid(definition.uuid()).isPresent()) {
				throw new DomainExistsException("Domain '" + definition.name() + "' (or its UUID) already exists: "
						+ "start it with Domain.start(), or choose another name and UUID");
			}
			domain = new ManagedDomain(this.context, definition, false);
			this.context.registry().add(domain);
		}
		try {
			domain.startTransient();
		}
		catch (RuntimeException ex) {
			this.context.registry().remove(domain);
			throw ex;
		}
		return domain.handle();
	}

	@Override
	public Domain lookup(String name) {
		return find(name).orElseThrow(() -> new DomainNotFoundException("No domain named '" + name + "'"));
	}

	@Override
	public Domain lookup(UUID uuid) {
		ManagedDomain domain = this.context.registry()
			.byUuid(uuid)
			.orElseThrow(() -> new DomainNotFoundException("No domain with UUID " + uuid));
		this.context.access().check(Permission.DOMAIN_GETATTR, domain.identity());
		return domain.handle();
	}

	@Override
	public Optional<Domain> find(String name) {
		Optional<ManagedDomain> domain = this.context.registry().byName(name);
		if (domain.isEmpty()) {
			// the question itself is checked, so that a denied caller cannot probe which
			// names exist
			this.context.access().check(Permission.CONNECT_SEARCH_DOMAINS);
			return Optional.empty();
		}
		this.context.access().check(Permission.DOMAIN_GETATTR, domain.get().identity());
		return Optional.of(domain.get().handle());
	}

	@Override
	public List<Domain> list(DomainListFilter filter) {
		this.context.access().check(Permission.CONNECT_SEARCH_DOMAINS);
		List<Domain> result = new ArrayList<>();
		for (ManagedDomain domain : this.context.registry().all()) {
			boolean active = domain.status().isActive();
			boolean wanted = switch (filter) {
				case ALL -> true;
				case ACTIVE -> active;
				case INACTIVE -> !active;
			};
			if (wanted && this.context.access().allows(Permission.DOMAIN_GETATTR, domain.identity())) {
				result.add(domain.handle());
			}
		}
		return result;
	}

	@Override
	public List<LoadProblem> loadProblems() {
		this.context.access().check(Permission.CONNECT_READ);
		return List.copyOf(this.loadProblems);
	}

	@Override
	public AutoCloseable addListener(DomainEventListener listener) {
		this.context.access().check(Permission.CONNECT_READ);
		return this.context.events().add(listener);
	}

	@Override
	public boolean isOpen() {
		this.context.access().check(Permission.CONNECT_GETATTR);
		return this.context.isOpen();
	}

	@Override
	public void close() {
		if (!this.context.beginClose()) {
			return;
		}
		if (this.context.launcher().killsWithOwner()) {
			// the VMs would die with the launcher thread anyway; stopping them here
			// records why, cleans up
			// their files and tells the listeners
			List<ManagedDomain> running = this.context.registry()
				.all()
				.stream()
				.filter((d) -> d.currentRun() != null)
				.toList();
			running.parallelStream().forEach(ManagedDomain::destroyForClose);
		}
		else {
			// detached: the VMs keep running for the next driver on this root to
			// reconnect
			this.context.registry().all().forEach(ManagedDomain::detachForClose);
		}
		this.context.markClosed();
		this.context.launcher().close();
		this.context.events().close();
		this.context.background().shutdown();
		this.lock.close();
		logger.log(Level.DEBUG, "qemu-embed driver on " + this.context.layout().root() + " closed");
	}

	@Override
	public String toString() {
		return "EmbeddedQemuDriver[" + this.context.layout().root() + "]";
	}

	static boolean exists(Path path) {
		return Files.exists(path);
	}

}
