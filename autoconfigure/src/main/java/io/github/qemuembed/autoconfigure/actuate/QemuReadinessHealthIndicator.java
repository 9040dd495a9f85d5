package io.github.qemuembed.autoconfigure.actuate;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.github.qemuembed.autoconfigure.actuate.DomainSnapshots.Snapshot;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.DomainStatus;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code qemuReadiness} health contributor, meant for the {@code readiness} group (a
 * pod's readiness probe): UP when every declared domain with {@code autostart: true} is
 * running, {@value #NOT_READY_CODE} otherwise, with each one that is not and why
 * ({@code not defined yet} while the application starts, its state and reason after that,
 * e.g. {@code shutoff (crashed)}).
 * <p>
 * {@value #NOT_READY_CODE} is a status of its own, not DOWN: it is not in Boot's default
 * status order, so the overall {@code /actuator/health} (and anything that watches it)
 * stays UP, like the {@code qemu} contributor's DEGRADED. The readiness group puts it in
 * its order and maps it to 503: <pre>
 * management.endpoint.health.group.readiness.include=readinessState,qemuReadiness
 * management.endpoint.health.group.readiness.status.order=down,out-of-service,not-ready,up,unknown
 * management.endpoint.health.group.readiness.status.http-mapping.not-ready=503
 * </pre>
 * <p>
 * Why readiness and not liveness: a pod whose VM is not running should get no traffic,
 * but restarting the pod (what a failed liveness probe does) would also kill the VMs that
 * still run and cannot bring back a VM that crashes by itself. Liveness stays the
 * application's own ({@code livenessState}). Only {@code running} counts as ready: a
 * paused, stopped or crashed declared VM serves nothing.
 */
public class QemuReadinessHealthIndicator extends AbstractHealthIndicator {

	static final String NOT_READY_CODE = "NOT_READY";

	/** A declared domain is not running. */
	public static final Status NOT_READY = new Status(NOT_READY_CODE, "a declared domain is not running");

	private final DomainSnapshots snapshots;

	private final List<String> declared;

	/**
	 * @param snapshots figures read as the application
	 * @param declared the names of the declared domains the application starts
	 */
	public QemuReadinessHealthIndicator(DomainSnapshots snapshots, List<String> declared) {
		super("QEMU readiness check failed");
		this.snapshots = snapshots;
		this.declared = List.copyOf(declared);
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		Map<String, Snapshot> byName = this.snapshots.all()
			.stream()
			.collect(Collectors.toMap(Snapshot::name, Function.identity(), (a, b) -> a));
		Map<String, String> notRunning = new TreeMap<>();
		for (String name : this.declared) {
			Snapshot snapshot = byName.get(name);
			if (snapshot == null) {
				notRunning.put(name, "not defined yet");
			}
			else if (snapshot.info() == null) {
				notRunning.put(name, "state unknown: " + snapshot.error());
			}
			else if (snapshot.info().status().state() != DomainState.RUNNING) {
				notRunning.put(name, describe(snapshot.info().status()));
			}
		}
		builder.withDetail("declared", this.declared);
		if (notRunning.isEmpty()) {
			builder.up();
		}
		else {
			builder.status(NOT_READY).withDetail("notRunning", notRunning);
		}
	}

	private static String describe(DomainStatus status) {
		String state = status.state().name().toLowerCase(Locale.ROOT);
		String reason = status.reason().name().toLowerCase(Locale.ROOT);
		// reasons are STATE_REASON: keep only the reason part
		int underscore = reason.indexOf('_');
		return state + " (" + ((underscore >= 0) ? reason.substring(underscore + 1) : reason) + ")";
	}

}
