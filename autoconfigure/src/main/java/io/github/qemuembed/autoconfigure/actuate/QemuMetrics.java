package io.github.qemuembed.autoconfigure.actuate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.qemuembed.autoconfigure.actuate.DomainSnapshots.Snapshot;
import io.github.qemuembed.autoconfigure.event.DomainCrashedEvent;
import io.github.qemuembed.autoconfigure.event.DomainLifecycleEvent;
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
 * {@code qemu.domain.memory.resident} (gauge, bytes) and {@code qemu.domain.crashes} (counter).
 * Values come from {@link DomainSnapshots}, read at most once per second, so a stuck VM costs a
 * scrape at most the actuator timeout and shows its last known values. Meters of a domain that is
 * undefined, or of a transient domain that is gone, are removed.
 */
public class QemuMetrics implements MeterBinder, ApplicationListener<DomainLifecycleEvent> {

	private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

	private final DomainSnapshots snapshots;

	private final Map<String, List<Meter>> domainMeters = new ConcurrentHashMap<>();

	private volatile MeterRegistry registry;

	private volatile List<Snapshot> current = List.of();

	private volatile long refreshedAt = System.nanoTime() - REFRESH_NANOS;

	public QemuMetrics(DomainSnapshots snapshots) {
		this.snapshots = snapshots;
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
		return snapshots().stream()
			.filter((s) -> s.info() != null && s.info().status().state() == state)
			.count();
	}

	private synchronized List<Snapshot> snapshots() {
		if (System.nanoTime() - this.refreshedAt >= REFRESH_NANOS) {
			refresh();
		}
		return this.current;
	}

	private synchronized void refresh() {
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
		Set<String> names = all.stream().map(Snapshot::name).collect(Collectors.toSet());
		all.forEach((snapshot) -> register(snapshot.name()));
		this.domainMeters.keySet().stream().filter((name) -> !names.contains(name)).toList().forEach(this::remove);
	}

	private DomainInfo info(String name) {
		return snapshots().stream().filter((s) -> s.name().equals(name)).map(Snapshot::info)
			.filter((i) -> i != null).findFirst().orElse(null);
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
			Meter crashes = Counter.builder("qemu.domain.crashes").tags(tags).description("Crashes of the domain")
				.register(registry);
			return List.of(cpu, rss, crashes);
		});
	}

	private void remove(String name) {
		List<Meter> meters = this.domainMeters.remove(name);
		MeterRegistry registry = this.registry;
		if (meters != null && registry != null) {
			meters.forEach(registry::remove);
		}
	}

	@Override
	public void onApplicationEvent(DomainLifecycleEvent event) {
		if (event instanceof DomainUndefinedEvent) {
			if (!event.getStatus().isActive()) {
				remove(event.getDomainName());
				this.snapshots.forget(event.getDomainUuid());
			}
			return;
		}
		register(event.getDomainName());
		if (event instanceof DomainCrashedEvent && this.registry != null) {
			this.registry.counter("qemu.domain.crashes", "domain", event.getDomainName()).increment();
		}
	}

}
