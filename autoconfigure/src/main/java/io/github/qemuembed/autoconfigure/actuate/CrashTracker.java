package io.github.qemuembed.autoconfigure.actuate;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.qemuembed.autoconfigure.event.DomainCrashedEvent;
import io.github.qemuembed.autoconfigure.event.DomainLifecycleEvent;
import io.github.qemuembed.autoconfigure.event.DomainStartedEvent;
import io.github.qemuembed.autoconfigure.event.DomainUndefinedEvent;

import org.springframework.context.ApplicationListener;

/**
 * Remembers which domains crashed since the application started and have not been started again,
 * from the {@link DomainLifecycleEvent}s.
 */
public class CrashTracker implements ApplicationListener<DomainLifecycleEvent> {

	private final Map<String, Instant> crashed = new ConcurrentHashMap<>();

	@Override
	public void onApplicationEvent(DomainLifecycleEvent event) {
		if (event instanceof DomainCrashedEvent) {
			this.crashed.put(event.getDomainName(), event.getDomainEvent().time());
		}
		else if (event instanceof DomainStartedEvent || event instanceof DomainUndefinedEvent) {
			this.crashed.remove(event.getDomainName());
		}
	}

	/** Domains that crashed and were not started since, with the time of the crash. */
	public Map<String, Instant> crashed() {
		return Map.copyOf(this.crashed);
	}

}
