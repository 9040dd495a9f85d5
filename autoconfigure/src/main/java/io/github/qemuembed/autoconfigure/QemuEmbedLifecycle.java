package io.github.qemuembed.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.qemuembed.autoconfigure.DeclaredDomainException.Action;
import io.github.qemuembed.autoconfigure.QemuEmbedProperties.ShutdownMode;
import io.github.qemuembed.autoconfigure.event.DeclaredDomainChangedEvent;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventListener;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.agent.GuestAgentState;
import io.github.qemuembed.driver.error.DomainNotFoundException;
import io.github.qemuembed.driver.error.DriverClosedException;
import io.github.qemuembed.driver.error.GuestAgentException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the declared domains with the context and stops every running VM of the driver
 * when the context stops.
 * <p>
 * <b>Why a {@link SmartLifecycle} and this phase.</b> Spring Boot's Docker Compose
 * support stops its services from a {@code SpringApplicationShutdownHandlers} handler,
 * which runs after the context is closed: right for external services that outlive every
 * bean. Here that would be too late: the driver is a bean, closed (and a temporary root
 * deleted) while the context closes, and a driver cannot stop VMs once closed. Lifecycle
 * beans are stopped before any bean is destroyed, so a {@code SmartLifecycle} stops the
 * VMs while the driver is still open. Its {@link #PHASE} is below the web server's phases
 * ({@code DEFAULT_PHASE - 1024} for graceful shutdown, {@code DEFAULT_PHASE - 2048} for
 * start/stop): lower phases start earlier and stop later, so declared VMs run before the
 * server takes requests, and are stopped only after the server drained its requests and
 * stopped, as well as after any lifecycle bean in the default phase (message listeners,
 * schedulers) that may use them. A handler would also not run with contexts that are not
 * started by {@code SpringApplication} (tests, {@code ApplicationContextRunner}).
 * <p>
 * {@link #stop()} is synchronous and bounded by {@code qemu.embed.shutdown.timeout}, so
 * the lifecycle processor's per-phase timeout does not apply to it.
 */
public class QemuEmbedLifecycle implements SmartLifecycle, ApplicationEventPublisherAware {

	/** The phase: starts before, and stops after, the embedded web server. */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Log logger = LogFactory.getLog(QemuEmbedLifecycle.class);

	/**
	 * How long stop waits, after the VMs are gone, for their STOPPED events to be
	 * delivered.
	 */
	private static final Duration EVENT_DRAIN = Duration.ofSeconds(2);

	/** Extra time, beyond the timeout, allowed for forced stops to complete. */
	private static final Duration FORCE_SLACK = Duration.ofSeconds(5);

	private final QemuDriver driver;

	private final List<DeclaredDomain> declared;

	private final ShutdownMode shutdownMode;

	private final Duration shutdownTimeout;

	private final Duration destroyGracePeriod;

	private volatile boolean running;

	private volatile ApplicationEventPublisher eventPublisher;

	public QemuEmbedLifecycle(QemuDriver driver, List<DeclaredDomain> declared, ShutdownMode shutdownMode,
			Duration shutdownTimeout, Duration destroyGracePeriod) {
		this.driver = driver;
		this.declared = List.copyOf(declared);
		this.shutdownMode = shutdownMode;
		this.shutdownTimeout = shutdownTimeout;
		this.destroyGracePeriod = destroyGracePeriod;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
		this.eventPublisher = eventPublisher;
	}

	@Override
	public void start() {
		runAsApplication("qemu-embed-start", this::startDeclaredDomains);
		this.running = true;
	}

	/**
	 * Runs the lifecycle's driver calls on a fresh thread that inherits no thread-locals:
	 * they are the application's own calls, whatever principal the thread that starts or
	 * closes the context may carry (a test, or a request that triggered a shutdown, with
	 * a Spring Security context).
	 */
	private static void runAsApplication(String name, Runnable work) {
		RuntimeException[] failure = new RuntimeException[1];
		Thread thread = new Thread(null, () -> {
			try {
				work.run();
			}
			catch (RuntimeException ex) {
				failure[0] = ex;
			}
		}, name, 0, false);
		thread.start();
		awaitEnd(thread);
		if (failure[0] != null) {
			throw failure[0];
		}
	}

	/**
	 * Waits for the work to end, in timed waits and through interrupts. A context closed
	 * by a signal while it refreshes (Spring Boot's shutdown hook) interrupts a startup
	 * thread that waits without a timeout and, should it keep waiting, treats it as stuck
	 * in {@code System.exit} and skips the close altogether: the domains being started
	 * would then be left to die with the JVM, with their run state on disk. A timed wait
	 * is not taken for stuck, so the close waits for the refresh, and then stops the
	 * domains the start has just brought up. The work itself is bounded by the driver's
	 * start and stop timeouts.
	 */
	private static void awaitEnd(Thread thread) {
		boolean interrupted = false;
		while (thread.isAlive()) {
			try {
				thread.join(200);
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private void startDeclaredDomains() {
		for (DeclaredDomain domain : this.declared) {
			if (domain.persistent()) {
				define(domain);
			}
		}
		startAutostartDomains();
	}

	private void define(DeclaredDomain declared) {
		try {
			Optional<Domain> existing = this.driver.find(declared.name());
			if (existing.isEmpty()) {
				// a UUID now, so that the digest recorded below is the one every later
				// start computes
				String xml = declared.xmlFor(UUID.randomUUID());
				this.driver.define(DeclaredXmlStamp.stamped(xml, DeclaredXmlStamp.digest(xml)));
				logger.debug("Defined declared domain '" + declared.name() + "' from " + declared.source());
				return;
			}
			applyChange(declared, existing.get());
		}
		catch (RuntimeException ex) {
			throw new DeclaredDomainException(declared.name(), declared.source(), Action.DEFINE, ex);
		}
	}

	/**
	 * An existing domain of a declared name: defined by an earlier start on the same
	 * root, maybe still running. Its XML (the live one when it runs) records the digest
	 * of the declared XML it was defined from; when the declaration changed since,
	 * {@code on-change} decides.
	 */
	private void applyChange(DeclaredDomain declared, Domain existing) {
		String xml = declared.xmlFor(existing.uuid());
		String digest = DeclaredXmlStamp.digest(xml);
		Optional<String> recorded = DeclaredXmlStamp.recorded(existing.xml(false));
		if (recorded.isPresent() && recorded.get().equals(digest)) {
			logger.debug("Declared domain '" + declared.name() + "' is unchanged");
			return;
		}
		boolean running = existing.status().isActive();
		String what = "The XML of declared domain '" + declared.name() + "' (" + declared.source() + ") differs from "
				+ (running ? "the one it is running on" : "its existing definition")
				+ (recorded.isEmpty() ? " (which records no declared XML)" : "");
		DeclaredDomainChangedEvent.Outcome outcome;
		switch (declared.onChange()) {
			case KEEP -> {
				logger.warn(what + ": kept the existing definition (on-change: keep); set on-change to redefine or"
						+ " restart, or undefine the domain, to use the declared XML");
				outcome = DeclaredDomainChangedEvent.Outcome.KEPT;
			}
			case RESTART -> {
				this.driver.define(DeclaredXmlStamp.stamped(xml, digest));
				if (running) {
					boolean clean = existing.shutdown(acpiWait());
					existing.start();
					logger.info(what + ": redefined it and restarted it on the declared XML (on-change: restart; "
							+ (clean ? "the guest powered off" : "the guest was forced off") + ")");
					outcome = DeclaredDomainChangedEvent.Outcome.RESTARTED;
				}
				else {
					logger.info(what + ": redefined it (on-change: restart; it was not running)");
					outcome = DeclaredDomainChangedEvent.Outcome.REDEFINED;
				}
			}
			default -> {
				this.driver.define(DeclaredXmlStamp.stamped(xml, digest));
				logger.info(what + ": redefined it (on-change: redefine)"
						+ (running ? "; it keeps running on the old definition until its next start (on-change: restart"
								+ " restarts it now)" : ""));
				outcome = DeclaredDomainChangedEvent.Outcome.REDEFINED;
			}
		}
		ApplicationEventPublisher publisher = this.eventPublisher;
		if (publisher != null) {
			publisher.publishEvent(new DeclaredDomainChangedEvent(this.driver, declared.name(), running, outcome));
		}
	}

	private void startAutostartDomains() {
		List<DeclaredDomain> toStart = this.declared.stream().filter(DeclaredDomain::autostart).toList();
		if (toStart.isEmpty()) {
			return;
		}
		ExecutorService executor = newExecutor("qemu-embed-start-", toStart.size());
		Map<DeclaredDomain, Future<Optional<Domain>>> futures = new LinkedHashMap<>();
		try {
			for (DeclaredDomain domain : toStart) {
				futures.put(domain, executor.submit(() -> startDeclared(domain)));
			}
			List<Domain> started = new ArrayList<>();
			DeclaredDomainException failure = null;
			for (Map.Entry<DeclaredDomain, Future<Optional<Domain>>> entry : futures.entrySet()) {
				try {
					entry.getValue().get().ifPresent(started::add);
				}
				catch (ExecutionException ex) {
					RuntimeException cause = (ex.getCause() instanceof RuntimeException re) ? re
							: new IllegalStateException(ex.getCause());
					DeclaredDomainException dde = new DeclaredDomainException(entry.getKey().name(),
							entry.getKey().source(), Action.START, cause);
					if (failure == null) {
						failure = dde;
					}
					else {
						failure.addSuppressed(dde);
					}
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException("Interrupted while starting declared domains", ex);
				}
			}
			if (failure != null) {
				logger.error("A declared domain failed to start; stopping the " + started.size()
						+ " declared domain(s) already started");
				destroyAll(started);
				throw failure;
			}
			logger.info("Started declared domain(s) " + toStart.stream().map(DeclaredDomain::name).toList());
		}
		finally {
			executor.shutdownNow();
		}
	}

	/**
	 * Starts one declared domain; empty when it was already running (reconnected from an
	 * earlier run).
	 */
	private Optional<Domain> startDeclared(DeclaredDomain declared) {
		Optional<Domain> existing = this.driver.find(declared.name());
		if (existing.isPresent() && existing.get().status().isActive()) {
			logger.info("Declared domain '" + declared.name() + "' is already running (reconnected)");
			return Optional.empty();
		}
		if (declared.persistent()) {
			Domain domain = existing.orElseGet(() -> this.driver.lookup(declared.name()));
			domain.start();
			return Optional.of(domain);
		}
		return Optional.of(this.driver.createTransient(declared.xml()));
	}

	private void destroyAll(List<Domain> domains) {
		runInParallel("qemu-embed-stop-", domains, (domain) -> {
			domain.destroy();
			return true;
		}, this.destroyGracePeriod.plus(FORCE_SLACK));
	}

	@Override
	public void stop() {
		if (!this.running) {
			return;
		}
		this.running = false;
		runAsApplication("qemu-embed-stop", this::stopRunningDomains);
	}

	private void stopRunningDomains() {
		List<Domain> active;
		try {
			active = this.driver.list(DomainListFilter.ACTIVE);
		}
		catch (DriverClosedException ex) {
			return;
		}
		if (active.isEmpty()) {
			return;
		}
		if (this.shutdownMode == ShutdownMode.DETACH) {
			logger.info("Leaving " + active.size() + " running domain(s) " + names(active)
					+ " for the next start on root " + this.driver.root() + " to reconnect (shutdown mode detach)");
			return;
		}
		logger.info("Stopping " + active.size() + " running domain(s) " + names(active) + " (shutdown mode "
				+ this.shutdownMode.name().toLowerCase(Locale.ROOT) + ", timeout " + this.shutdownTimeout + ")");
		StoppedEvents stopped = new StoppedEvents(names(active));
		try (AutoCloseable registration = this.driver.addListener(stopped)) {
			if (this.shutdownMode == ShutdownMode.GRACEFUL) {
				Duration acpiWait = acpiWait();
				runInParallel("qemu-embed-stop-", active, (domain) -> domain.shutdown(acpiWait),
						this.shutdownTimeout.plus(FORCE_SLACK));
			}
			else if (this.shutdownMode == ShutdownMode.AGENT) {
				Duration wait = acpiWait();
				runInParallel("qemu-embed-stop-", active, (domain) -> shutdownThroughAgent(domain, wait),
						this.shutdownTimeout.plus(FORCE_SLACK));
			}
			else {
				runInParallel("qemu-embed-stop-", active, (domain) -> {
					domain.destroy();
					return true;
				}, this.shutdownTimeout.plus(FORCE_SLACK));
			}
			// the driver delivers events on its own thread: let the STOPPED events reach
			// the application's
			// listeners while the context can still publish them
			stopped.await(EVENT_DRAIN);
		}
		catch (Exception ex) {
			logger.debug("Could not follow the stop events", ex);
		}
	}

	/**
	 * Shutdown mode {@code agent}: {@code guest-shutdown} where the agent channel is
	 * connected; when there is no agent, or it does not answer or refuses, the ACPI
	 * button with the time that is left.
	 */
	static boolean shutdownThroughAgent(Domain domain, Duration wait) {
		long deadline = System.nanoTime() + wait.toNanos();
		if (domain.info().guestAgent() == GuestAgentState.CONNECTED) {
			try {
				return domain.shutdown(io.github.qemuembed.driver.ShutdownMode.GUEST_AGENT, wait);
			}
			catch (GuestAgentException ex) {
				logger.info("The guest agent of domain '" + domain.name() + "' did not shut it down (" + ex.getMessage()
						+ "); pressing the ACPI power button instead");
			}
		}
		Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 0));
		return domain.shutdown(left.isZero() ? Duration.ofMillis(1) : left);
	}

	/** Waits for the STOPPED event of each domain being stopped. */
	private static final class StoppedEvents implements DomainEventListener {

		private final Set<String> pending;

		StoppedEvents(List<String> names) {
			this.pending = ConcurrentHashMap.newKeySet();
			this.pending.addAll(names);
		}

		@Override
		public void onEvent(DomainEvent event) {
			if (event.type() == DomainEventType.STOPPED && this.pending.remove(event.domainName())) {
				synchronized (this) {
					notifyAll();
				}
			}
		}

		synchronized void await(Duration limit) throws InterruptedException {
			long deadline = System.nanoTime() + limit.toNanos();
			while (!this.pending.isEmpty()) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return;
				}
				TimeUnit.NANOSECONDS.timedWait(this, left);
			}
		}

	}

	/**
	 * How long guests get to power off: the timeout, less what a forced stop needs
	 * afterwards (the destroy grace period and a second), so that the whole stop fits in
	 * the timeout.
	 */
	Duration acpiWait() {
		Duration reserve = this.destroyGracePeriod.plusSeconds(1);
		Duration wait = this.shutdownTimeout.minus(reserve);
		return (wait.compareTo(this.shutdownTimeout.dividedBy(2)) < 0) ? this.shutdownTimeout.dividedBy(2) : wait;
	}

	private interface DomainAction {

		/**
		 * @return whether the domain stopped on its own (graceful)
		 */
		boolean apply(Domain domain);

	}

	private void runInParallel(String threadPrefix, List<Domain> domains, DomainAction action, Duration limit) {
		if (domains.isEmpty()) {
			return;
		}
		ExecutorService executor = newExecutor(threadPrefix, domains.size());
		try {
			Map<Domain, Future<Boolean>> futures = new LinkedHashMap<>();
			for (Domain domain : domains) {
				futures.put(domain, executor.submit(() -> action.apply(domain)));
			}
			long deadline = System.nanoTime() + limit.toNanos();
			List<String> forced = new ArrayList<>();
			for (Map.Entry<Domain, Future<Boolean>> entry : futures.entrySet()) {
				String name = entry.getKey().name();
				try {
					long left = Math.max(0, deadline - System.nanoTime());
					if (!entry.getValue().get(left, TimeUnit.NANOSECONDS)) {
						forced.add(name);
					}
				}
				catch (ExecutionException ex) {
					Throwable cause = ex.getCause();
					if (!(cause instanceof InvalidOperationException || cause instanceof DomainNotFoundException)) {
						// already stopped or gone in the meantime is fine; anything else
						// is worth a warning
						logger.warn("Could not stop domain '" + name + "': " + cause.getMessage(), cause);
					}
				}
				catch (TimeoutException | CancellationException ex) {
					logger.warn("Domain '" + name + "' did not stop within " + limit
							+ "; it ends with this JVM unless shutdown mode is detach");
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					logger.warn("Interrupted while stopping domains");
					return;
				}
			}
			if (!forced.isEmpty()) {
				logger.warn("Domain(s) " + forced + " did not power off within " + acpiWait() + " and were forced off");
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

	private static ExecutorService newExecutor(String prefix, int tasks) {
		AtomicInteger count = new AtomicInteger();
		ThreadFactory factory = (runnable) -> {
			Thread thread = new Thread(null, runnable, prefix + count.incrementAndGet(), 0, false);
			thread.setDaemon(true);
			return thread;
		};
		return Executors.newFixedThreadPool(Math.min(tasks, 32), factory);
	}

	private static List<String> names(List<Domain> domains) {
		return domains.stream().map(Domain::name).toList();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
