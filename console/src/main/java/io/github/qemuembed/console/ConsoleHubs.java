package io.github.qemuembed.console;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.access.Permission;

/**
 * The open consoles, one {@link ConsoleHub} per domain. Called on the handshake's request
 * thread, where the driver sees the browser's caller: the first browser opens the console
 * through the driver ({@code domain.open_device} checked by the driver), each later one
 * is checked for the same permission by {@link ConsoleAccess} before it shares the open
 * console.
 */
final class ConsoleHubs {

	private final ConsoleAccess access;

	private final Map<UUID, ConsoleHub> hubs = new ConcurrentHashMap<>();

	private final Map<UUID, Object> locks = new ConcurrentHashMap<>();

	ConsoleHubs(ConsoleAccess access) {
		this.access = access;
	}

	/**
	 * The hub of a domain for the current request's caller, opening the console if nobody
	 * has it open.
	 * @throws io.github.qemuembed.driver.error.AccessDeniedException without
	 * {@code domain.open_device}
	 * @throws io.github.qemuembed.driver.error.InvalidOperationException if the domain
	 * does not run
	 */
	ConsoleHub join(Domain domain) {
		UUID uuid = domain.uuid();
		// one lock per domain: opening waits for the domain's pending operation (a
		// shutdown, say), and
		// must not hold up the consoles of other domains meanwhile
		synchronized (this.locks.computeIfAbsent(uuid, (k) -> new Object())) {
			ConsoleHub hub = this.hubs.get(uuid);
			if (hub != null && !hub.isClosed()) {
				this.access.check(Permission.DOMAIN_OPEN_DEVICE, domain);
				return hub;
			}
			String name = domain.name();
			ConsoleHub opened = new ConsoleHub(name, domain.openConsole(), (closed) -> this.hubs.remove(uuid, closed));
			this.hubs.put(uuid, opened);
			return opened;
		}
	}

	int openCount() {
		return (int) this.hubs.values().stream().filter((hub) -> !hub.isClosed()).count();
	}

}
