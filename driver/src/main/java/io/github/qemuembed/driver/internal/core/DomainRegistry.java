package io.github.qemuembed.driver.internal.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's domains by name and by UUID. Lookups are lock-free; changes that must keep
 * both maps consistent (add, remove) take the registry's monitor, briefly.
 */
final class DomainRegistry {

	private final Map<String, ManagedDomain> byName = new ConcurrentHashMap<>();

	private final Map<UUID, ManagedDomain> byUuid = new ConcurrentHashMap<>();

	Optional<ManagedDomain> byName(String name) {
		return Optional.ofNullable(this.byName.get(name));
	}

	Optional<ManagedDomain> byUuid(UUID uuid) {
		return Optional.ofNullable(this.byUuid.get(uuid));
	}

	synchronized void add(ManagedDomain domain) {
		this.byName.put(domain.name(), domain);
		this.byUuid.put(domain.uuid(), domain);
	}

	synchronized void remove(ManagedDomain domain) {
		this.byName.remove(domain.name(), domain);
		this.byUuid.remove(domain.uuid(), domain);
	}

	List<ManagedDomain> all() {
		List<ManagedDomain> all = new ArrayList<>(this.byName.values());
		all.sort(Comparator.comparing(ManagedDomain::name));
		return all;
	}

}
