package io.github.qemuembed.autoconfigure.actuate;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

import io.github.qemuembed.autoconfigure.actuate.DomainSnapshots.Snapshot;
import io.github.qemuembed.autoconfigure.event.DomainCrashedEvent;
import io.github.qemuembed.autoconfigure.event.DomainLifecycleEvent;
import io.github.qemuembed.autoconfigure.event.DomainStartedEvent;
import io.github.qemuembed.autoconfigure.event.DomainUndefinedEvent;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.ApplicationListener;

/**
 * Micrometer meters: {@code qemu.domains} (gauge, tag {@code state}); per domain (tag
 * {@code domain}) {@code qemu.domain.cpu.time} (function counter, seconds),
 * {@code qemu.domain.memory.resident} (gauge, bytes), {@code qemu.domain.crashes}
 * (counter) and {@code qemu.domain.statistics.stale} (gauge, 1 while the block and
 * network figures are stale); per domain and {@code device} the function counters
 * {@code qemu.domain.block.read.bytes}, {@code qemu.domain.block.write.bytes},
 * {@code qemu.domain.block.read.ops}, {@code qemu.domain.block.write.ops},
 * {@code qemu.domain.network.received.bytes} and
 * {@code qemu.domain.network.transmitted.bytes} (see {@link DomainStatistics}).
 * <p>
 * Values come from {@link DomainSnapshots} and {@link DomainStatistics}, read at most
 * once per second within one actuator timeout, so a stuck VM costs a scrape at most about
 * the timeout and shows its last known values. Meters of a domain that is undefined, or
 * of a transient domain that is gone, are removed, timers tagged with its name included
 * (the {@code qemu.domain.operations} timer has no {@code domain} tag by default: see
 * {@code DefaultDomainOperationObservationConvention}).
 */
public class QemuMetrics implements MeterBinder, ApplicationListener<DomainLifecycleEvent> {

	private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final String DOMAIN_METER_PREFIX = "qemu.domain.";

	private final DomainSnapshots snapshots;

	private final DomainStatistics statistics;

	private final Map<String, List<Meter>> domainMeters = new ConcurrentHashMap<>();

	/** Device meters registered, as domain and device. */
	private final Set<DeviceKey> deviceMeters = ConcurrentHashMap.newKeySet();

	private volatile Map<String, DomainStatistics.Result> currentStatistics = Map.of();

	private volatile MeterRegistry registry;

	private volatile List<Snapshot> current = List.of();

	private volatile long refreshedAt = System.nanoTime() - REFRESH_NANOS;

	private record DeviceKey(String domain, String kind, String device) {

	}

	public QemuMetrics(DomainSnapshots snapshots) {
		this(snapshots, null);
	}

	/**
	 * @param snapshots the domains' info, read as the application
	 * @param statistics block and network figures, {@code null} for none
	 */
	public QemuMetrics(DomainSnapshots snapshots, DomainStatistics statistics) {
		this.snapshots = snapshots;
		this.statistics = statistics;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
		for (DomainState state : DomainState.values()) {
			Gauge.builder("qemu.domains", () -> count(state))
				.tag("state", state.name().toLowerCase(Locale.ROOT))
				.description("Domains by state")
				.register(registry);
		}
		refresh();
	}

	private double count(DomainState state) {
		return snapshots().stream().filter((s) -> s.info() != null && s.info().status().state() == state).count();
	}

	private synchronized List<Snapshot> snapshots() {
		if (System.nanoTime() - this.refreshedAt >= REFRESH_NANOS) {
			refresh();
		}
		return this.current;
	}

	private synchronized void refresh() {
		// one deadline for both reads: a stuck VM costs a refresh about one timeout, not
		// two
		long deadline = System.nanoTime() + this.snapshots.timeout().toNanos();
		List<Snapshot> all;
		try {
			all = this.snapshots.all();
		}
		catch (RuntimeException ex) {
			// driver closed or listing denied: keep the last values
			return;
		}
		this.current = all;
		this.refreshedAt = System.nanoTime();
		if (this.statistics != null) {
			refreshStatistics(all, deadline);
		}
		Set<String> names = all.stream().map(Snapshot::name).collect(Collectors.toSet());
		all.forEach((snapshot) -> register(snapshot.name()));
		this.domainMeters.keySet().stream().filter((name) -> !names.contains(name)).toList().forEach(this::remove);
		removeMetersOfDomainsNotIn(names);
	}

	/**
	 * Removes per-domain meters of other binders whose domain is gone: an operation timer
	 * is recorded when the operation's observation stops, which for {@code undefine} can
	 * come after the undefined event removed the domain's meters; the next refresh (a
	 * scrape) takes it away.
	 */
	private void removeMetersOfDomainsNotIn(Set<String> names) {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			return;
		}
		registry.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith(DOMAIN_METER_PREFIX))
			.filter((meter) -> {
				String domain = meter.getId().getTag("domain");
				return domain != null && !names.contains(domain);
			})
			.toList()
			.forEach(registry::remove);
	}

	private void refreshStatistics(List<Snapshot> all, long deadline) {
		List<DomainStatistics.Target> running = all.stream()
			.filter((s) -> s.info() != null && s.info().status().isActive() && s.info().pid().isPresent())
			.map((s) -> new DomainStatistics.Target(s.name(), s.uuid(), s.info().pid().getAsLong()))
			.toList();
		Map<String, DomainStatistics.Result> byName = new HashMap<>();
		for (DomainStatistics.Result result : this.statistics.collect(running, deadline)) {
			byName.put(result.name(), result);
		}
		this.currentStatistics = byName;
		byName.values().forEach(this::registerDevices);
	}

	private void registerDevices(DomainStatistics.Result result) {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			return;
		}
		String domain = result.name();
		for (DomainStatistics.BlockDevice block : result.statistics().block()) {
			if (this.deviceMeters.add(new DeviceKey(domain, "block", block.device()))) {
				String device = block.device();
				blockCounter(registry, "qemu.domain.block.read.bytes", domain, device, "bytes",
						"Bytes read from the block device", DomainStatistics.BlockDevice::readBytes);
				blockCounter(registry, "qemu.domain.block.write.bytes", domain, device, "bytes",
						"Bytes written to the block device", DomainStatistics.BlockDevice::writeBytes);
				blockCounter(registry, "qemu.domain.block.read.ops", domain, device, null,
						"Read operations on the block device", DomainStatistics.BlockDevice::readOps);
				blockCounter(registry, "qemu.domain.block.write.ops", domain, device, null,
						"Write operations on the block device", DomainStatistics.BlockDevice::writeOps);
			}
		}
		for (DomainStatistics.NetDevice net : result.statistics().network()) {
			if (this.deviceMeters.add(new DeviceKey(domain, "network", net.device()))) {
				String device = net.device();
				netCounter(registry, "qemu.domain.network.received.bytes", domain, device,
						"Bytes the guest received on the interface (sent by the host into its tap)",
						DomainStatistics.NetDevice::receivedBytes);
				netCounter(registry, "qemu.domain.network.transmitted.bytes", domain, device,
						"Bytes the guest transmitted on the interface (received by the host from its tap)",
						DomainStatistics.NetDevice::transmittedBytes);
			}
		}
	}

	private void blockCounter(MeterRegistry registry, String name, String domain, String device, String unit,
			String description, ToLongFunction<DomainStatistics.BlockDevice> value) {
		FunctionCounter
			.builder(name, this,
					(m) -> m.statistics(domain)
						.block()
						.stream()
						.filter((b) -> b.device().equals(device))
						.mapToLong(value)
						.sum())
			.tags("domain", domain, "device", device)
			.baseUnit(unit)
			.description(description)
			.register(registry);
	}

	private void netCounter(MeterRegistry registry, String name, String domain, String device, String description,
			ToLongFunction<DomainStatistics.NetDevice> value) {
		FunctionCounter
			.builder(name, this,
					(m) -> m.statistics(domain)
						.network()
						.stream()
						.filter((n) -> n.device().equals(device))
						.mapToLong(value)
						.sum())
			.tags("domain", domain, "device", device)
			.baseUnit("bytes")
			.description(description)
			.register(registry);
	}

	/**
	 * The domain's figures as of the last refresh (refreshed when older than a second).
	 */
	private DomainStatistics.Statistics statistics(String domain) {
		snapshots();
		DomainStatistics.Result result = this.currentStatistics.get(domain);
		return (result != null) ? result.statistics() : DomainStatistics.Statistics.NONE;
	}

	private double statisticsStale(String domain) {
		snapshots();
		DomainStatistics.Result result = this.currentStatistics.get(domain);
		return (result != null && result.stale()) ? 1 : 0;
	}

	private DomainInfo info(String name) {
		return snapshots().stream()
			.filter((s) -> s.name().equals(name))
			.map(Snapshot::info)
			.filter((i) -> i != null)
			.findFirst()
			.orElse(null);
	}

	private void register(String name) {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			return;
		}
		this.domainMeters.computeIfAbsent(name, (n) -> {
			Tags tags = Tags.of("domain", n);
			Meter cpu = FunctionCounter.builder("qemu.domain.cpu.time", this, (m) -> {
				DomainInfo info = m.info(n);
				return (info != null) ? info.cpuTime().toNanos() / 1e9 : 0;
			}).tags(tags).baseUnit("seconds").description("CPU time used by the domain's QEMU").register(registry);
			Meter rss = Gauge.builder("qemu.domain.memory.resident", this, (m) -> {
				DomainInfo info = m.info(n);
				return (info != null) ? info.residentBytes() : 0;
			}).tags(tags).baseUnit("bytes").description("Resident memory of the domain's QEMU").register(registry);
			Meter crashes = Counter.builder("qemu.domain.crashes")
				.tags(tags)
				.description("Crashes of the domain")
				.register(registry);
			if (this.statistics == null) {
				return List.of(cpu, rss, crashes);
			}
			Meter stale = Gauge.builder("qemu.domain.statistics.stale", this, (m) -> m.statisticsStale(n))
				.tags(tags)
				.description("1 while the domain's block and network figures are stale (its QEMU did not answer)")
				.register(registry);
			return List.of(cpu, rss, crashes, stale);
		});
	}

	private void remove(String name) {
		this.domainMeters.remove(name);
		this.deviceMeters.removeIf((key) -> key.domain().equals(name));
		MeterRegistry registry = this.registry;
		if (registry != null) {
			// every per-domain meter, those of other binders (operation timers) and
			// devices included
			registry.getMeters()
				.stream()
				.filter((meter) -> meter.getId().getName().startsWith(DOMAIN_METER_PREFIX)
						&& name.equals(meter.getId().getTag("domain")))
				.toList()
				.forEach(registry::remove);
		}
	}

	@Override
	public void onApplicationEvent(DomainLifecycleEvent event) {
		if (event instanceof DomainUndefinedEvent) {
			if (!event.getStatus().isActive()) {
				remove(event.getDomainName());
				this.snapshots.forget(event.getDomainUuid());
				if (this.statistics != null) {
					this.statistics.forget(event.getDomainUuid());
				}
			}
			return;
		}
		register(event.getDomainName());
		if (event instanceof DomainStartedEvent && this.statistics != null && this.registry != null) {
			// device meters appear with a refresh, and nothing may read a meter of this
			// domain before a
			// scrape asks for a device meter by name: refresh now, off the driver's event
			// thread
			this.statistics.runAsync(this::refresh);
		}
		if (event instanceof DomainCrashedEvent && this.registry != null) {
			this.registry.counter("qemu.domain.crashes", "domain", event.getDomainName()).increment();
		}
	}

}
