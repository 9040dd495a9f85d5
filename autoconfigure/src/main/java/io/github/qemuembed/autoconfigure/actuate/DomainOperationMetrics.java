package io.github.qemuembed.autoconfigure.actuate;

import java.time.Duration;
import java.util.Locale;

import io.github.qemuembed.driver.DomainOperationListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The timer {@code qemu.domain.operations}, tags {@code domain}, {@code operation}
 * ({@code start}, {@code shutdown}, {@code destroy}), {@code outcome} ({@code success},
 * {@code failure}) and {@code exception} (simple class name, {@code none}). Fed by the driver
 * (a {@link DomainOperationListener} registered through a
 * {@link io.github.qemuembed.autoconfigure.QemuDriverConfigCustomizer}), so every call counts,
 * whoever made it: the starter's lifecycle, the {@code qemu} endpoint, the application's own code.
 * Operations finished before the meter registry was bound are not recorded.
 */
public class DomainOperationMetrics implements DomainOperationListener, MeterBinder {

	static final String NAME = "qemu.domain.operations";

	private volatile MeterRegistry registry;

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void operationCompleted(Operation operation, String domain, Duration duration, Throwable failure) {
		MeterRegistry registry = this.registry;
		if (registry == null) {
			return;
		}
		Timer.builder(NAME)
			.description("Start, shutdown and destroy of domains")
			.tag("domain", domain)
			.tag("operation", operation.name().toLowerCase(Locale.ROOT))
			.tag("outcome", (failure != null) ? "failure" : "success")
			.tag("exception", (failure != null) ? failure.getClass().getSimpleName() : "none")
			.register(registry)
			.record(duration);
	}

}
