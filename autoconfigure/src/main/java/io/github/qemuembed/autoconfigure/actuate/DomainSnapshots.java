package io.github.qemuembed.autoconfigure.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.error.AccessDeniedException;

import org.springframework.beans.factory.DisposableBean;

/**
 * Reads every domain's {@link DomainInfo} for health, the endpoint and metrics without
 * letting one stuck VM block the caller ({@link DeadlineReads}): each read runs on the
 * Actuator's pool and is waited for until a common deadline; a domain that does not
 * answer in time is reported with its last known info, marked stale. At most one read per
 * domain and caller is in flight, so a stuck VM holds one thread per caller, not one per
 * scrape.
 * <p>
 * The reads are checked by the access policy as the calling thread's caller: the
 * {@code propagator} carries the caller's security context to the pool thread, and
 * in-flight reads and last known values are never shared between callers. A read the
 * policy denies is reported without figures, not with someone else's.
 */
public class DomainSnapshots implements DisposableBean {

	private final QemuDriver driver;

	private final Duration timeout;

	private final ActuatorReadPool pool;

	/** Whether the pool is this object's own, shut down with it. */
	private final boolean ownPool;

	private final CallerSupplier callerSupplier;

	private final UnaryOperator<Runnable> propagator;

	private final boolean asApplication;

	private final DeadlineReads<Key, DomainInfo> reads;

	/** A domain as seen by one caller ({@code ""} for the application itself). */
	private record Key(UUID uuid, String caller) {

	}

	/**
	 * Snapshots on a pool of their own, shut down by {@link #destroy()}.
	 * @param driver the driver
	 * @param timeout how long a collection waits for the domains' answers
	 * @param callerSupplier who is calling, to keep callers' reads apart
	 * @param propagator wraps a read so that it runs as the current caller on a pool
	 * thread
	 */
	public DomainSnapshots(QemuDriver driver, Duration timeout, CallerSupplier callerSupplier,
			UnaryOperator<Runnable> propagator) {
		this(driver, timeout, callerSupplier, propagator, false, new ActuatorReadPool(), true);
	}

	/**
	 * Snapshots that read on a shared pool (closed by its owner, the context).
	 * @param driver the driver
	 * @param timeout how long a collection waits for the domains' answers
	 * @param callerSupplier who is calling, to keep callers' reads apart
	 * @param propagator wraps a read so that it runs as the current caller on a pool
	 * thread
	 * @param pool where the reads run
	 */
	public DomainSnapshots(QemuDriver driver, Duration timeout, CallerSupplier callerSupplier,
			UnaryOperator<Runnable> propagator, ActuatorReadPool pool) {
		this(driver, timeout, callerSupplier, propagator, false, pool, false);
	}

	private DomainSnapshots(QemuDriver driver, Duration timeout, CallerSupplier callerSupplier,
			UnaryOperator<Runnable> propagator, boolean asApplication, ActuatorReadPool pool, boolean ownPool) {
		this.driver = driver;
		this.timeout = timeout;
		this.callerSupplier = callerSupplier;
		this.propagator = propagator;
		this.asApplication = asApplication;
		this.pool = pool;
		this.ownPool = ownPool;
		this.reads = new DeadlineReads<>(pool);
	}

	/**
	 * One domain's figures. {@code info} is {@code null} when it never answered or the
	 * caller may not read it ({@code denied}).
	 */
	public record Snapshot(String name, UUID uuid, DomainInfo info, boolean stale, String error,
			AccessDeniedException denied) {

	}

	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Snapshots whose every driver call, the listing included, runs on the pool as the
	 * application itself, whoever calls: for health and metrics.
	 */
	public static DomainSnapshots asApplication(QemuDriver driver, Duration timeout) {
		return new DomainSnapshots(driver, timeout, CallerSupplier.NONE, UnaryOperator.identity(), true,
				new ActuatorReadPool(), true);
	}

	/**
	 * Like {@link #asApplication(QemuDriver, Duration)}, reading on a shared pool (closed
	 * by its owner, the context).
	 */
	public static DomainSnapshots asApplication(QemuDriver driver, Duration timeout, ActuatorReadPool pool) {
		return new DomainSnapshots(driver, timeout, CallerSupplier.NONE, UnaryOperator.identity(), true, pool, false);
	}

	/** A domain with its name and UUID, read as whoever the snapshots are for. */
	private record Target(Domain domain, String name, UUID uuid) {

		static List<Target> of(List<Domain> domains) {
			return domains.stream().map((d) -> new Target(d, d.name(), d.uuid())).toList();
		}

	}

	/** Snapshots of all domains the caller may see. */
	public List<Snapshot> all() {
		return collect(this.asApplication ? callAsApplication(() -> Target.of(this.driver.list(DomainListFilter.ALL)))
				: Target.of(this.driver.list(DomainListFilter.ALL)));
	}

	/**
	 * Runs a driver call on a pool thread, where no caller is visible (the application's
	 * own call), waiting for it at most the timeout.
	 * @throws IllegalStateException if it does not finish in time
	 */
	public <T> T callAsApplication(Supplier<T> call) {
		CompletableFuture<T> result = CompletableFuture.supplyAsync(call, this.pool);
		try {
			return result.get(this.timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException re) ? re : new IllegalStateException(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("The driver did not answer within " + this.timeout);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the driver", ex);
		}
	}

	/**
	 * A snapshot of one domain.
	 * @throws AccessDeniedException if the caller may not read the domain
	 */
	public Snapshot of(Domain domain) {
		Snapshot snapshot = collect(
				this.asApplication ? callAsApplication(() -> Target.of(List.of(domain))) : Target.of(List.of(domain)))
			.get(0);
		if (snapshot.denied() != null) {
			throw snapshot.denied();
		}
		return snapshot;
	}

	private List<Snapshot> collect(List<Target> domains) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		// an anonymous caller and a principal named 'anonymous' must not share reads
		String caller = this.callerSupplier.currentCaller()
			.map((c) -> c.anonymous() ? "anonymous caller" : "principal " + c.name())
			.orElse("");
		List<Key> keys = new ArrayList<>();
		Map<Key, Domain> byKey = new HashMap<>();
		for (Target target : domains) {
			Key key = new Key(target.uuid(), caller);
			keys.add(key);
			byKey.put(key, target.domain());
		}
		List<DeadlineReads.Outcome<DomainInfo>> outcomes = this.reads.read(keys, (key) -> byKey.get(key)::info,
				this.propagator, deadline);
		List<Snapshot> snapshots = new ArrayList<>(domains.size());
		for (int i = 0; i < domains.size(); i++) {
			String name = domains.get(i).name();
			UUID uuid = keys.get(i).uuid();
			DeadlineReads.Outcome<DomainInfo> outcome = outcomes.get(i);
			snapshots.add(switch (outcome.status()) {
				case FRESH -> new Snapshot(name, uuid, outcome.value(), false, null, null);
				case TIMED_OUT ->
					new Snapshot(name, uuid, outcome.value(), true, "no answer within " + this.timeout, null);
				case INTERRUPTED -> new Snapshot(name, uuid, outcome.value(), true, "interrupted", null);
				case FAILED -> (outcome.failure() instanceof AccessDeniedException denied)
						? new Snapshot(name, uuid, null, false, null, denied) : new Snapshot(name, uuid,
								outcome.value(), true, String.valueOf(outcome.failure().getMessage()), null);
			});
		}
		return snapshots;
	}

	/** Forgets a domain that was undefined. */
	public void forget(UUID uuid) {
		this.reads.forget((key) -> key.uuid().equals(uuid));
	}

	@Override
	public void destroy() {
		if (this.ownPool) {
			this.pool.destroy();
		}
	}

}
