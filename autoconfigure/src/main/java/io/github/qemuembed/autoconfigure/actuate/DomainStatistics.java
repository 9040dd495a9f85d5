package io.github.qemuembed.autoconfigure.actuate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.QemuDriver;

import org.springframework.beans.factory.DisposableBean;

/**
 * Block and network figures of running domains (see {@link StatisticsReader}), read as
 * the application itself with the same rules as {@link DomainSnapshots}
 * ({@link DeadlineReads}): each domain's read runs on the Actuator's pool and is waited
 * for until a common deadline; a domain that does not answer in time (a stopped or stuck
 * QEMU does not answer {@code query-blockstats}) keeps its last known figures, marked
 * stale; at most one read per domain is in flight.
 * <p>
 * Block figures come from {@link Domain#blockStats()}, which needs {@code domain.read} on
 * the domain (granted to the application by default,
 * {@code qemu.embed.access.application-calls: allow}); otherwise the domain has no block
 * figures and is reported stale with the reason.
 */
public class DomainStatistics implements DisposableBean {

	private final QemuDriver driver;

	private final Duration timeout;

	private final ActuatorReadPool pool;

	/** Whether the pool is this object's own, shut down with it. */
	private final boolean ownPool;

	private final DeadlineReads<UUID, Statistics> reads;

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

	/** Statistics on a pool of their own, shut down by {@link #destroy()}. */
	public DomainStatistics(QemuDriver driver, Duration timeout) {
		this(driver, timeout, new ActuatorReadPool(), true);
	}

	/** Statistics that read on a shared pool (closed by its owner, the context). */
	public DomainStatistics(QemuDriver driver, Duration timeout, ActuatorReadPool pool) {
		this(driver, timeout, pool, false);
	}

	private DomainStatistics(QemuDriver driver, Duration timeout, ActuatorReadPool pool, boolean ownPool) {
		this.driver = driver;
		this.timeout = timeout;
		this.pool = pool;
		this.ownPool = ownPool;
		this.reads = new DeadlineReads<>(pool);
	}

	public Duration timeout() {
		return this.timeout;
	}

	/**
	 * Reads the given running domains, waiting at most until {@code deadlineNanos} (a
	 * {@link System#nanoTime()} value). Domains not in {@code targets} are forgotten.
	 */
	public List<Result> collect(List<Target> targets, long deadlineNanos) {
		Map<UUID, Target> byUuid = new HashMap<>();
		targets.forEach((target) -> byUuid.put(target.uuid(), target));
		List<UUID> current = targets.stream().map(Target::uuid).toList();
		List<DeadlineReads.Outcome<Statistics>> outcomes = this.reads.read(current,
				(uuid) -> () -> read(byUuid.get(uuid)), UnaryOperator.identity(), deadlineNanos);
		List<Result> results = new ArrayList<>(targets.size());
		for (int i = 0; i < targets.size(); i++) {
			Target target = targets.get(i);
			DeadlineReads.Outcome<Statistics> outcome = outcomes.get(i);
			Statistics known = (outcome.value() != null) ? outcome.value() : Statistics.NONE;
			results.add(switch (outcome.status()) {
				case FRESH -> new Result(target.name(), target.uuid(), outcome.value(), false, null);
				case TIMED_OUT ->
					new Result(target.name(), target.uuid(), known, true, "no answer within " + this.timeout);
				case FAILED -> new Result(target.name(), target.uuid(), known, true,
						String.valueOf(outcome.failure().getMessage()));
				case INTERRUPTED -> new Result(target.name(), target.uuid(), known, true, "interrupted");
			});
		}
		this.reads.retain(current);
		this.lastResults.keySet().retainAll(current);
		results.forEach((result) -> this.lastResults.put(result.uuid(), result));
		return results;
	}

	private Statistics read(Target target) {
		Domain domain = this.driver.lookup(target.uuid());
		List<BlockDevice> block = domain.blockStats()
			.stream()
			.map((b) -> new BlockDevice(b.target(), b.readBytes(), b.writeBytes(), b.readOps(), b.writeOps()))
			.toList();
		return new Statistics(block, StatisticsReader.netDevices(target.pid()));
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
			this.pool.execute(task);
		}
		catch (RuntimeException ex) {
			// closing
		}
	}

	/** Forgets a domain that was undefined. */
	public void forget(UUID uuid) {
		this.reads.forget(uuid::equals);
		this.lastResults.remove(uuid);
	}

	@Override
	public void destroy() {
		if (this.ownPool) {
			this.pool.destroy();
		}
	}

}
