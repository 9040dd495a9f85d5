package io.github.qemuembed.console;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.github.qemuembed.autoconfigure.actuate.DomainSnapshots;
import io.github.qemuembed.autoconfigure.actuate.DomainSnapshots.Snapshot;
import io.github.qemuembed.autoconfigure.actuate.DomainStatistics;
import io.github.qemuembed.autoconfigure.event.DomainLifecycleEvent;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.Caller;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationListener;

/**
 * The dashboard's one reader: while at least one page is open it reads every domain as
 * the application (the Actuator's {@link DomainSnapshots} and {@link DomainStatistics},
 * with their deadlines, so that a stuck VM holds up nobody), at a fixed interval and at
 * once after a lifecycle event, and pushes the result to every page as a server-sent
 * event. However many pages are open, the VMs are read once per interval.
 * <p>
 * Each page gets only the domains its caller may read ({@code domain.getattr} and
 * {@code domain.read}, asked of the access policy for the caller the page was opened by).
 * A page that reads slowly gets the latest sample when it is ready for one, never a queue
 * of old ones.
 */
final class DashboardSampler implements ApplicationListener<DomainLifecycleEvent>, DisposableBean {

	private static final Log logger = LogFactory.getLog(DashboardSampler.class);

	private final QemuDriver driver;

	private final DomainSnapshots snapshots;

	private final DomainStatistics statistics;

	private final ConsoleAccess access;

	private final JsonMapper json = JsonMapper.shared();

	private final ScheduledExecutorService scheduler;

	private final ExecutorService senders;

	private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();

	private final Map<UUID, Rates> previous = new ConcurrentHashMap<>();

	private final AtomicBoolean wakeUpPending = new AtomicBoolean();

	private volatile List<Sampled> latest;

	/** A row with the UUID it is about, for the access check. */
	record Sampled(UUID uuid, DomainRow row) {

	}

	DashboardSampler(QemuDriver driver, DomainSnapshots snapshots, DomainStatistics statistics, ConsoleAccess access,
			Duration interval) {
		this.driver = driver;
		this.snapshots = snapshots;
		this.statistics = statistics;
		this.access = access;
		this.scheduler = Executors
			.newSingleThreadScheduledExecutor((runnable) -> daemon(runnable, "qemu-embed-console-sampler"));
		AtomicInteger count = new AtomicInteger();
		this.senders = Executors.newCachedThreadPool(
				(runnable) -> daemon(runnable, "qemu-embed-console-events-" + count.incrementAndGet()));
		this.scheduler.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(),
				TimeUnit.MILLISECONDS);
	}

	private static Thread daemon(Runnable runnable, String name) {
		// no inherited thread-locals: the sampler reads as the application, never as a
		// request's caller
		Thread thread = new Thread(null, runnable, name, 0, false);
		thread.setDaemon(true);
		return thread;
	}

	/**
	 * The rows {@code caller} may see now: the latest sample, or a fresh one when there
	 * is none yet.
	 */
	List<DomainRow> rowsFor(Caller caller) {
		List<Sampled> rows = this.latest;
		if (rows == null) {
			rows = sample();
		}
		return visible(rows, caller);
	}

	/** Where a page's events go: its server-sent event stream. */
	interface Sink {

		/** Sends one {@code domains} event; throws when the page went away. */
		void send(String json) throws IOException;

		/** Ends the stream. */
		void complete();

	}

	/**
	 * Subscribes a page, for the caller of the request that opened it (captured by the
	 * caller, on the request's thread); the returned handle unsubscribes it.
	 */
	Runnable subscribe(Caller caller, Sink sink) {
		Subscriber subscriber = new Subscriber(sink, caller);
		this.subscribers.add(subscriber);
		List<Sampled> rows = this.latest;
		if (rows != null) {
			subscriber.offer(render(visible(rows, caller)));
		}
		wakeUp();
		return () -> this.subscribers.remove(subscriber);
	}

	int subscriberCount() {
		return this.subscribers.size();
	}

	/** A domain changed state: sample now rather than at the next interval. */
	@Override
	public void onApplicationEvent(DomainLifecycleEvent event) {
		wakeUp();
	}

	private void wakeUp() {
		if (this.wakeUpPending.compareAndSet(false, true)) {
			try {
				this.scheduler.execute(() -> {
					this.wakeUpPending.set(false);
					tick();
				});
			}
			catch (RuntimeException ex) {
				// shutting down
				this.wakeUpPending.set(false);
			}
		}
	}

	private void tick() {
		if (this.subscribers.isEmpty()) {
			// nobody looks: no reads, and rates start afresh when somebody does
			this.latest = null;
			this.previous.clear();
			return;
		}
		try {
			List<Sampled> rows = sample();
			Map<Caller, String> byCaller = new HashMap<>();
			for (Subscriber subscriber : this.subscribers) {
				subscriber.offer(byCaller.computeIfAbsent(subscriber.caller, (c) -> render(visible(rows, c))));
			}
		}
		catch (RuntimeException ex) {
			logger.warn("qemu-embed console: could not read the domains: " + ex.getMessage());
		}
	}

	private synchronized List<Sampled> sample() {
		List<Snapshot> all = this.snapshots.all();
		long now = System.nanoTime();
		List<DomainStatistics.Target> targets = new ArrayList<>();
		for (Snapshot snapshot : all) {
			DomainInfo info = snapshot.info();
			if (info != null && info.status().isActive() && info.pid().isPresent()) {
				targets.add(new DomainStatistics.Target(snapshot.name(), snapshot.uuid(), info.pid().getAsLong()));
			}
		}
		Map<UUID, DomainStatistics.Result> results = new HashMap<>();
		for (DomainStatistics.Result result : this.statistics.collect(targets,
				now + this.statistics.timeout().toNanos())) {
			results.put(result.uuid(), result);
		}
		List<Sampled> rows = new ArrayList<>();
		for (Snapshot snapshot : all) {
			rows.add(new Sampled(snapshot.uuid(), row(snapshot, results.get(snapshot.uuid()), now)));
		}
		this.previous.keySet().retainAll(results.keySet());
		this.latest = List.copyOf(rows);
		return this.latest;
	}

	private DomainRow row(Snapshot snapshot, DomainStatistics.Result result, long now) {
		DomainInfo info = snapshot.info();
		if (info == null) {
			return new DomainRow(snapshot.name(), "unknown", "unknown", false, 0, 0, 0, null, null, null, null, null,
					(snapshot.error() != null) ? snapshot.error() : "not readable", "none", null, null);
		}
		String stale = snapshot.stale() ? snapshot.error() : (result != null && result.stale()) ? result.error() : null;
		Double cpu = null;
		Double blockRead = null;
		Double blockWrite = null;
		Double netRx = null;
		Double netTx = null;
		if (result != null && !result.stale() && info.pid().isPresent()) {
			Rates rates = Rates.of(info.pid().getAsLong(), now, info.cpuTime(), result.statistics());
			Rates before = this.previous.put(snapshot.uuid(), rates);
			if (rates.follows(before)) {
				cpu = rates.cpuPercent(before);
				// no disk or no tap (slirp networking has none on the host): no figure
				// rather than a zero
				if (!result.statistics().block().isEmpty()) {
					blockRead = rates.blockReadBps(before);
					blockWrite = rates.blockWriteBps(before);
				}
				if (!result.statistics().network().isEmpty()) {
					netRx = rates.netRxBps(before);
					netTx = rates.netTxBps(before);
				}
			}
		}
		List<DomainSnapshot> taken = snapshotsOf(snapshot.uuid());
		return new DomainRow(snapshot.name(), info.status().state().name().toLowerCase(Locale.ROOT),
				info.status().toString(), info.status().isActive(), info.uptime().toSeconds(), info.vcpus(),
				info.currentMemoryKiB(), cpu, blockRead, blockWrite, netRx, netTx, stale,
				info.guestAgent().name().toLowerCase(Locale.ROOT), (taken != null) ? taken.size() : null,
				(taken != null) ? taken.stream()
					.filter(DomainSnapshot::current)
					.map(DomainSnapshot::name)
					.findFirst()
					.orElse(null) : null);
	}

	/**
	 * The domain's snapshots, read as the application within the deadline; {@code null}
	 * when that failed.
	 */
	private List<DomainSnapshot> snapshotsOf(UUID uuid) {
		try {
			return this.snapshots.callAsApplication(() -> this.driver.lookup(uuid).snapshots());
		}
		catch (RuntimeException ex) {
			logger.debug("qemu-embed console: no snapshots of " + uuid + ": " + ex.getMessage());
			return null;
		}
	}

	private List<DomainRow> visible(List<Sampled> rows, Caller caller) {
		return rows.stream()
			.filter((s) -> this.access.mayRead(caller, s.row().name(), s.uuid()))
			.map(Sampled::row)
			.toList();
	}

	private String render(List<DomainRow> rows) {
		return this.json.writeValueAsString(Map.of("domains", rows));
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
		this.senders.shutdownNow();
		this.subscribers.forEach((subscriber) -> subscriber.sink.complete());
		this.subscribers.clear();
	}

	/**
	 * One open page: the latest data waits for it; older data it did not take is
	 * replaced.
	 */
	private final class Subscriber {

		private final Sink sink;

		private final Caller caller;

		private final AtomicReference<String> pending = new AtomicReference<>();

		private final AtomicBoolean sending = new AtomicBoolean();

		Subscriber(Sink sink, Caller caller) {
			this.sink = sink;
			this.caller = caller;
		}

		void offer(String data) {
			this.pending.set(data);
			if (this.sending.compareAndSet(false, true)) {
				try {
					DashboardSampler.this.senders.execute(this::drain);
				}
				catch (RuntimeException ex) {
					this.sending.set(false);
				}
			}
		}

		private void drain() {
			while (true) {
				String data = this.pending.getAndSet(null);
				if (data == null) {
					this.sending.set(false);
					// an offer between the empty read and the reset would otherwise wait
					// for the next one
					if (this.pending.get() == null || !this.sending.compareAndSet(false, true)) {
						return;
					}
					continue;
				}
				try {
					this.sink.send(data);
				}
				catch (IOException | IllegalStateException ex) {
					// the page went away
					DashboardSampler.this.subscribers.remove(this);
					this.sending.set(false);
					return;
				}
			}
		}

	}

}
