package io.github.qemuembed.autoconfigure.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import io.github.qemuembed.driver.QemuDriver;

import org.springframework.beans.factory.DisposableBean;

/**
 * Block and network figures of running domains (see {@link StatisticsReader}), read as
 * the application itself with the same rules as {@link DomainSnapshots}: each domain's
 * read runs on a small pool and is waited for until a common deadline; a domain that does
 * not answer in time (a stopped or stuck QEMU does not answer {@code query-blockstats})
 * keeps its last known figures, marked stale; at most one read per domain is in flight.
 * <p>
 * Block figures come from {@link Domain#blockStats()}, which needs {@code domain.read} on
 * the domain (granted to the application by default,
 * {@code qemu.embed.access.application-calls: allow}); otherwise the domain has no block
 * figures and is reported stale with the reason.
 */
public class DomainStatistics implements DisposableBean {

	private final QemuDriver driver;

	private final Duration timeout;

	private final ExecutorService executor;

	private final Map<UUID, CompletableFuture<Statistics>> inFlight = new ConcurrentHashMap<>();

	private final Map<UUID, Statistics> lastKnown = new ConcurrentHashMap<>();

	private final Map<UUID, Result> lastResults = new ConcurrentHashMap<>();

	/** One block device: cumulative bytes and operations since QEMU started. */
	public record BlockDevice(String device, long readBytes, long writeBytes, long readOps, long writeOps) {

	}

	/**
	 * One tap, in the guest's view: {@code receivedBytes} is what the host sent into the
	 * tap.
	 */
	public record NetDevice(String device, long receivedBytes, long transmittedBytes) {

	}

	/** A domain's figures. */
	public record Statistics(List<BlockDevice> block, List<NetDevice> network) {

		public static final Statistics NONE = new Statistics(List.of(), List.of());

	}

	/** A running domain to read: its name, UUID and QEMU's pid. */
	public record Target(String name, UUID uuid, long pid) {

	}

	/**
	 * The figures of one domain; {@code stale} with the reason when they are not fresh.
	 */
	public record Result(String name, UUID uuid, Statistics statistics, boolean stale, String error) {

	}

	public DomainStatistics(QemuDriver driver, Duration timeout) {
		this.driver = driver;
		this.timeout = timeout;
		AtomicInteger count = new AtomicInteger();
		this.executor = Executors.newCachedThreadPool((runnable) -> {
			// no inherited thread-locals: reads run as the application, never as an HTTP
			// principal
			Thread thread = new Thread(null, runnable, "qemu-embed-statistics-" + count.incrementAndGet(), 0, false);
			thread.setDaemon(true);
			return thread;
		});
	}

	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Reads the given running domains, waiting at most until {@code deadlineNanos} (a
	 * {@link System#nanoTime()} value). Domains not in {@code targets} are forgotten.
	 */
	public List<Result> collect(List<Target> targets, long deadlineNanos) {
		List<CompletableFuture<Statistics>> futures = new ArrayList<>();
		for (Target target : targets) {
			CompletableFuture<Statistics> future = this.inFlight.computeIfAbsent(target.uuid(), (k) -> read(target));
			future.whenComplete((statistics, ex) -> this.inFlight.remove(target.uuid(), future));
			futures.add(future);
		}
		List<Result> results = new ArrayList<>(targets.size());
		for (int i = 0; i < targets.size(); i++) {
			Target target = targets.get(i);
			Result result;
			try {
				Statistics statistics = futures.get(i)
					.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
				this.lastKnown.put(target.uuid(), statistics);
				result = new Result(target.name(), target.uuid(), statistics, false, null);
			}
			catch (TimeoutException ex) {
				result = stale(target, "no answer within " + this.timeout);
			}
			catch (ExecutionException ex) {
				result = stale(target, String.valueOf(ex.getCause().getMessage()));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				result = stale(target, "interrupted");
			}
			results.add(result);
		}
		List<UUID> current = targets.stream().map(Target::uuid).toList();
		this.lastKnown.keySet().retainAll(current);
		this.lastResults.keySet().retainAll(current);
		results.forEach((result) -> this.lastResults.put(result.uuid(), result));
		return results;
	}

	private Result stale(Target target, String error) {
		return new Result(target.name(), target.uuid(), this.lastKnown.getOrDefault(target.uuid(), Statistics.NONE),
				true, error);
	}

	private CompletableFuture<Statistics> read(Target target) {
		CompletableFuture<Statistics> future = new CompletableFuture<>();
		try {
			this.executor.execute(() -> {
				try {
					Domain domain = this.driver.lookup(target.uuid());
					List<BlockDevice> block = domain.blockStats()
						.stream()
						.map((b) -> new BlockDevice(b.target(), b.readBytes(), b.writeBytes(), b.readOps(),
								b.writeOps()))
						.toList();
					future.complete(new Statistics(block, StatisticsReader.netDevices(target.pid())));
				}
				catch (RuntimeException ex) {
					future.completeExceptionally(ex);
				}
			});
		}
		catch (RuntimeException ex) {
			future.completeExceptionally(ex);
		}
		return future;
	}

	/**
	 * Domains whose figures were stale at the last collection, with the reason; no domain
	 * is read.
	 */
	public Map<String, String> staleDomains() {
		Map<String, String> stale = new TreeMap<>();
		this.lastResults.values().stream().filter(Result::stale).forEach((r) -> stale.put(r.name(), r.error()));
		return stale;
	}

	/**
	 * Runs a task on the pool (as the application); a task refused because the pool is
	 * shut down is dropped.
	 */
	void runAsync(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RuntimeException ex) {
			// closing
		}
	}

	/** Forgets a domain that was undefined. */
	public void forget(UUID uuid) {
		this.lastKnown.remove(uuid);
		this.lastResults.remove(uuid);
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

}
