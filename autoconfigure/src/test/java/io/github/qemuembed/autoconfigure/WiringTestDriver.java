package io.github.qemuembed.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.BlockStats;
import io.github.qemuembed.driver.DeviceFlag;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainConsole;
import io.github.qemuembed.driver.DomainEvent;
import io.github.qemuembed.driver.DomainEventListener;
import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainInfo;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.DomainStatus;
import io.github.qemuembed.driver.EmulatorInfo;
import io.github.qemuembed.driver.LoadProblem;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.ShutdownMode;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.error.DomainNotFoundException;
import io.github.qemuembed.driver.error.EmulatorException;

/**
 * A hand-written {@link QemuDriver} for <em>wiring-only</em> tests: it records which
 * operations the Spring side calls, in which order, and lets a test make one fail. It
 * runs no QEMU and models no QEMU behaviour; everything about real VMs is tested against
 * real QEMU.
 */
public class WiringTestDriver implements QemuDriver {

	final List<String> calls = new CopyOnWriteArrayList<>();

	final Map<String, WiringDomain> domains = new ConcurrentHashMap<>();

	final List<DomainEventListener> listeners = new CopyOnWriteArrayList<>();

	volatile String failStartOf;

	volatile boolean open = true;

	@Override
	public Path root() {
		return Path.of("/wiring-test-root");
	}

	@Override
	public EmulatorInfo emulator() {
		return new EmulatorInfo(Path.of("/none"), "0", Accel.TCG, List.of(), List.of());
	}

	/**
	 * The test XML is just the domain name: {@code <domain><name>NAME</name></domain>}.
	 */
	private static String nameOf(String xml) {
		return DeclaredDomain.nameIn(xml).orElseThrow();
	}

	@Override
	public Domain define(String xml) {
		String name = nameOf(xml);
		this.calls.add("define " + name);
		return this.domains.computeIfAbsent(name, WiringDomain::new);
	}

	@Override
	public Domain restore(Path file) {
		throw new UnsupportedOperationException();
	}

	@Override
	public Domain restore(Path file, String xml) {
		throw new UnsupportedOperationException();
	}

	@Override
	public Domain createTransient(String xml) {
		String name = nameOf(xml);
		this.calls.add("createTransient " + name);
		WiringDomain domain = new WiringDomain(name);
		domain.persistent = false;
		this.domains.put(name, domain);
		domain.start();
		return domain;
	}

	@Override
	public Domain lookup(String name) {
		return find(name).orElseThrow(() -> new DomainNotFoundException(name));
	}

	@Override
	public Domain lookup(UUID uuid) {
		throw new UnsupportedOperationException();
	}

	@Override
	public Optional<Domain> find(String name) {
		return Optional.ofNullable(this.domains.get(name));
	}

	@Override
	public List<Domain> list(DomainListFilter filter) {
		List<Domain> result = new ArrayList<>();
		for (WiringDomain domain : this.domains.values()) {
			if (filter == DomainListFilter.ALL || (filter == DomainListFilter.ACTIVE) == domain.running) {
				result.add(domain);
			}
		}
		return result;
	}

	@Override
	public List<LoadProblem> loadProblems() {
		return Collections.emptyList();
	}

	@Override
	public AutoCloseable addListener(DomainEventListener listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	void fire(DomainEventType type, String name, StateReason reason) {
		DomainEvent event = new DomainEvent(type, name, new UUID(0, 1), DomainStatus.of(reason), Instant.now(), null);
		this.listeners.forEach((l) -> l.onEvent(event));
	}

	@Override
	public boolean isOpen() {
		return this.open;
	}

	@Override
	public void close() {
		this.calls.add("close");
		this.open = false;
	}

	class WiringDomain implements Domain {

		private final String name;

		volatile boolean running;

		volatile boolean persistent = true;

		WiringDomain(String name) {
			this.name = name;
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public UUID uuid() {
			return new UUID(0, this.name.hashCode());
		}

		@Override
		public void start() {
			WiringTestDriver.this.calls.add("start " + this.name);
			if (this.name.equals(WiringTestDriver.this.failStartOf)) {
				throw new EmulatorException("QEMU exited while starting domain '" + this.name + "'");
			}
			this.running = true;
		}

		@Override
		public boolean shutdown(Duration timeout) {
			WiringTestDriver.this.calls.add("shutdown " + this.name);
			this.running = false;
			fire(DomainEventType.STOPPED, this.name, StateReason.SHUTOFF_SHUTDOWN);
			return true;
		}

		@Override
		public void destroy() {
			WiringTestDriver.this.calls.add("destroy " + this.name);
			this.running = false;
			fire(DomainEventType.STOPPED, this.name, StateReason.SHUTOFF_DESTROYED);
		}

		@Override
		public void reboot() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void reset() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void suspend() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void save(Path file) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void managedSave() {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean hasManagedSaveImage() {
			return false;
		}

		@Override
		public void managedSaveRemove() {
			throw new UnsupportedOperationException();
		}

		@Override
		public DomainSnapshot createSnapshot(String xml, DomainSnapshot.CreateFlag... flags) {
			throw new UnsupportedOperationException();
		}

		@Override
		public List<DomainSnapshot> snapshots() {
			return List.of();
		}

		@Override
		public List<DomainSnapshot.Node> snapshotTree() {
			return List.of();
		}

		@Override
		public String snapshotXml(String name) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void revertToSnapshot(String name) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void deleteSnapshot(String name, DomainSnapshot.DeleteFlag... flags) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void attachDevice(String xml, DeviceFlag... flags) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void detachDevice(String xml, Duration timeout, DeviceFlag... flags) {
			throw new UnsupportedOperationException();
		}

		@Override
		public void resume() {
			throw new UnsupportedOperationException();
		}

		@Override
		public void undefine() {
			throw new UnsupportedOperationException();
		}

		@Override
		public DomainStatus status() {
			return DomainStatus.of(this.running ? StateReason.RUNNING_BOOTED : StateReason.SHUTOFF_UNKNOWN);
		}

		@Override
		public DomainInfo info() {
			return new DomainInfo(status(), OptionalLong.empty(), Optional.empty(), Duration.ZERO, 1, 65536, 65536,
					Duration.ZERO, 0, this.persistent);
		}

		@Override
		public List<BlockStats> blockStats() {
			throw new UnsupportedOperationException("wiring test double");
		}

		@Override
		public boolean isPersistent() {
			return this.persistent;
		}

		@Override
		public String xml(boolean secure) {
			return "<domain><name>" + this.name + "</name></domain>";
		}

		@Override
		public String qmp(String commandJson) {
			throw new UnsupportedOperationException();
		}

		@Override
		public DomainConsole openConsole() {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean shutdown(ShutdownMode mode, Duration timeout) {
			throw new UnsupportedOperationException("wiring test double");
		}

		@Override
		public GuestAgent guest() {
			throw new UnsupportedOperationException("wiring test double");
		}

	}

}
