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
 * Remembers which domains crashed since the application started and have not been started
 * again, from the {@link DomainLifecycleEvent}s.
 */
public class CrashTracker implements ApplicationListener<DomainLifecycleEvent> {

	private final Map<String, Instant> crashed = new ConcurrentHashMap<>();

	/**
	 * The crash's detail (e.g. "killed by signal 9, OOM-killed: the memory limit of
	 * ..."), when it has one.
	 */
	private final Map<String, String> reasons = new ConcurrentHashMap<>();

	@Override
	public void onApplicationEvent(DomainLifecycleEvent event) {
		if (event instanceof DomainCrashedEvent) {
			this.crashed.put(event.getDomainName(), event.getDomainEvent().time());
			String detail = event.getDomainEvent().detail();
			if (detail != null && !detail.isBlank()) {
				this.reasons.put(event.getDomainName(), detail);
			}
			else {
				this.reasons.remove(event.getDomainName());
			}
		}
		else if (event instanceof DomainStartedEvent || event instanceof DomainUndefinedEvent) {
			this.crashed.remove(event.getDomainName());
			this.reasons.remove(event.getDomainName());
		}
	}

	/** Domains that crashed and were not started since, with the time of the crash. */
	public Map<String, Instant> crashed() {
		return Map.copyOf(this.crashed);
	}

	/**
	 * Why each of {@link #crashed()} crashed, for those whose crash came with a reason.
	 */
	public Map<String, String> reasons() {
		return Map.copyOf(this.reasons);
	}

}
