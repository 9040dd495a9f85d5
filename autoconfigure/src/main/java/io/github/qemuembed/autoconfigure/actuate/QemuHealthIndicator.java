package io.github.qemuembed.autoconfigure.actuate;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.github.qemuembed.autoconfigure.actuate.DomainSnapshots.Snapshot;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.EmulatorInfo;
import io.github.qemuembed.driver.QemuDriver;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code qemu} health contributor. UP when the driver is open, its root is writable
 * and its emulator is still there; DOWN with the reason otherwise. A domain that crashed
 * and was not started again turns the status to the configured crashed status
 * ({@code DEGRADED} by default: visible, but neither in the aggregate nor in the HTTP
 * code unless the application maps it). Details: emulator path and version, accelerator,
 * root, domain counts by state, crashed domains (and why, as the driver reported it: an
 * exit status, a signal, an OOM kill with the memory limit), stale domains.
 */
public class QemuHealthIndicator extends AbstractHealthIndicator {

	private final QemuDriver driver;

	/** Reads as the application ({@link DomainSnapshots#asApplication}). */
	private final DomainSnapshots snapshots;

	private final CrashTracker crashes;

	private final Status crashedStatus;

	/**
	 * Block and network figures: only their last collection's staleness is shown, none is
	 * read.
	 */
	private final DomainStatistics statistics;

	public QemuHealthIndicator(QemuDriver driver, DomainSnapshots snapshots, CrashTracker crashes,
			String crashedStatus) {
		this(driver, snapshots, crashes, crashedStatus, null);
	}

	public QemuHealthIndicator(QemuDriver driver, DomainSnapshots snapshots, CrashTracker crashes, String crashedStatus,
			DomainStatistics statistics) {
		super("QEMU health check failed");
		this.driver = driver;
		this.snapshots = snapshots;
		this.crashes = crashes;
		this.crashedStatus = new Status(crashedStatus.toUpperCase(Locale.ROOT));
		this.statistics = statistics;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		if (!this.snapshots.callAsApplication(this.driver::isOpen)) {
			builder.down().withDetail("reason", "driver closed");
			return;
		}
		// the system's health does not depend on who asks: the driver is asked as the
		// application
		Path root = this.snapshots.callAsApplication(this.driver::root);
		EmulatorInfo emulator = this.snapshots.callAsApplication(this.driver::emulator);
		builder.withDetail("root", root.toString())
			.withDetail("emulator", emulator.path().toString())
			.withDetail("version", emulator.version())
			.withDetail("accelerator", emulator.accel().name().toLowerCase(Locale.ROOT));
		if (!Files.isDirectory(root) || !Files.isWritable(root)) {
			builder.down().withDetail("reason", "root " + root + " is missing or not writable");
			return;
		}
		if (!Files.isExecutable(emulator.path())) {
			builder.down().withDetail("reason", "emulator " + emulator.path() + " is missing or not executable");
			return;
		}
		List<Snapshot> all = this.snapshots.all();
		Map<DomainState, Integer> counts = new EnumMap<>(DomainState.class);
		Map<String, String> stale = new TreeMap<>();
		for (Snapshot snapshot : all) {
			if (snapshot.info() != null) {
				counts.merge(snapshot.info().status().state(), 1, Integer::sum);
			}
			if (snapshot.stale()) {
				stale.put(snapshot.name(), snapshot.error());
			}
		}
		if (this.statistics != null) {
			// as last seen by a metrics scrape: health itself sends no monitor command
			this.statistics.staleDomains()
				.forEach((name, error) -> stale.putIfAbsent(name, "block and network statistics: " + error));
		}
		Map<String, Integer> byState = new TreeMap<>();
		counts.forEach((state, count) -> byState.put(state.name().toLowerCase(Locale.ROOT), count));
		builder.withDetail("domains", byState);
		if (!stale.isEmpty()) {
			builder.withDetail("stale", stale);
		}
		Map<String, String> crashed = new TreeMap<>();
		this.crashes.crashed().forEach((name, time) -> crashed.put(name, time.toString()));
		if (!crashed.isEmpty()) {
			builder.status(this.crashedStatus).withDetail("crashed", crashed);
			Map<String, String> reasons = new TreeMap<>(this.crashes.reasons());
			reasons.keySet().retainAll(crashed.keySet());
			if (!reasons.isEmpty()) {
				// e.g. an OOM kill and the memory limit it hit: what an operator needs to
				// act on
				builder.withDetail("crashReasons", reasons);
			}
		}
		else {
			builder.up();
		}
	}

}
