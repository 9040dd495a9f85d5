package io.github.qemuembed.autoconfigure.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.QemuDriver;

import org.springframework.beans.factory.DisposableBean;

/**
 * Reads every domain's {@link DomainInfo} for health, the endpoint and metrics without letting one
 * stuck VM block the caller: each read runs on a small pool and is waited for until a common
 * deadline; a domain that does not answer in time is reported with its last known info, marked
 * stale. At most one read per domain is in flight, so a stuck VM holds one thread, not one per
 * scrape.
 */
public class DomainSnapshots implements DisposableBean {

	private final QemuDriver driver;

	private final Duration timeout;

	private final ExecutorService executor;

	private final Map<UUID, CompletableFuture<DomainInfo>> inFlight = new ConcurrentHashMap<>();

	private final Map<UUID, DomainInfo> lastKnown = new ConcurrentHashMap<>();

	public DomainSnapshots(QemuDriver driver, Duration timeout) {
		this.driver = driver;
		this.timeout = timeout;
		AtomicInteger count = new AtomicInteger();
		this.executor = Executors.newCachedThreadPool((runnable) -> {
			Thread thread = new Thread(runnable, "qemu-embed-actuator-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
	}

	/** One domain's figures. {@code info} is {@code null} when it never answered. */
	public record Snapshot(String name, UUID uuid, DomainInfo info, boolean stale, String error) {

	}

	public Duration timeout() {
		return this.timeout;
	}

	/** Snapshots of all domains the caller may see. */
	public List<Snapshot> all() {
		return collect(this.driver.list(DomainListFilter.ALL));
	}

	/** A snapshot of one domain. */
	public Snapshot of(Domain domain) {
		return collect(List.of(domain)).get(0);
	}

	private List<Snapshot> collect(List<Domain> domains) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		List<CompletableFuture<DomainInfo>> futures = new ArrayList<>();
		for (Domain domain : domains) {
			futures.add(this.inFlight.computeIfAbsent(domain.uuid(), (uuid) -> {
				CompletableFuture<DomainInfo> future = CompletableFuture.supplyAsync(domain::info, this.executor);
				future.whenComplete((info, ex) -> this.inFlight.remove(uuid));
				return future;
			}));
		}
		List<Snapshot> snapshots = new ArrayList<>(domains.size());
		for (int i = 0; i < domains.size(); i++) {
			Domain domain = domains.get(i);
			UUID uuid = domain.uuid();
			try {
				DomainInfo info = futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
				this.lastKnown.put(uuid, info);
				snapshots.add(new Snapshot(domain.name(), uuid, info, false, null));
			}
			catch (TimeoutException ex) {
				snapshots.add(new Snapshot(domain.name(), uuid, this.lastKnown.get(uuid), true,
						"no answer within " + this.timeout));
			}
			catch (ExecutionException ex) {
				snapshots.add(new Snapshot(domain.name(), uuid, this.lastKnown.get(uuid), true,
						String.valueOf(ex.getCause().getMessage())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				snapshots.add(new Snapshot(domain.name(), uuid, this.lastKnown.get(uuid), true, "interrupted"));
			}
		}
		return snapshots;
	}

	/** Forgets a domain that was undefined. */
	public void forget(UUID uuid) {
		this.lastKnown.remove(uuid);
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
