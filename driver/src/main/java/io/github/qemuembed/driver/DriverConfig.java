package io.github.qemuembed.driver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.observation.DriverObserver;
import io.github.qemuembed.driver.secondary.SecondaryDrivers;

import org.jspecify.annotations.Nullable;

/**
 * Everything {@link QemuDriver#open(DriverConfig)} needs. Built with
 * {@link #builder(Path)}; only the root and the access policy have no default.
 *
 * @param root absolute root directory holding all state (libvirt's embedded layout)
 * @param emulator the QEMU binary; empty means {@code qemu-system-x86_64} found on
 * {@code PATH}
 * @param accel accelerator
 * @param accessPolicy the policy every operation is checked against; required by
 * {@link QemuDriver#open}, which refuses a configuration without one
 * @param callerSupplier who is calling, for the policy
 * @param secondary network, storage and secret drivers (each optional)
 * @param qmpTimeout timeout of every monitor call
 * @param startTimeout how long QEMU may take from exec to a ready monitor
 * @param destroyGracePeriod how long {@code destroy} waits after SIGTERM before SIGKILL
 * @param leftovers what to do with VMs left running by an earlier driver on this root
 * @param killWithOwner whether QEMU children die with the JVM (parent-death signal); turn
 * off only to leave VMs running across restarts on a persistent root
 * @param operationListener told about every start, shutdown and destroy (for metrics)
 * @param observer watches domain operations, QMP commands and secondary-driver calls as
 * they happen (for tracing); the remote secondary drivers take theirs from their own
 * {@link io.github.qemuembed.driver.secondary.RemoteOptions}
 */
public record DriverConfig(Path root, Optional<Path> emulator, Accel accel, @Nullable AccessPolicy accessPolicy,
		CallerSupplier callerSupplier, SecondaryDrivers secondary, Duration qmpTimeout, Duration startTimeout,
		Duration destroyGracePeriod, LeftoverPolicy leftovers, boolean killWithOwner,
		DomainOperationListener operationListener, DriverObserver observer) {

	public DriverConfig {
		Objects.requireNonNull(root, "root");
		Objects.requireNonNull(emulator, "emulator");
		Objects.requireNonNull(accel, "accel");
		Objects.requireNonNull(callerSupplier, "callerSupplier");
		Objects.requireNonNull(secondary, "secondary");
		Objects.requireNonNull(qmpTimeout, "qmpTimeout");
		Objects.requireNonNull(startTimeout, "startTimeout");
		Objects.requireNonNull(destroyGracePeriod, "destroyGracePeriod");
		Objects.requireNonNull(leftovers, "leftovers");
		Objects.requireNonNull(operationListener, "operationListener");
		Objects.requireNonNull(observer, "observer");
	}

	public static Builder builder(Path root) {
		return new Builder(root);
	}

	/** Builder for {@link DriverConfig}. */
	public static final class Builder {

		private final Path root;

		private Path emulator;

		private Accel accel = Accel.AUTO;

		private @Nullable AccessPolicy accessPolicy;

		private CallerSupplier callerSupplier = CallerSupplier.NONE;

		private SecondaryDrivers secondary = SecondaryDrivers.none();

		private Duration qmpTimeout = Duration.ofSeconds(10);

		private Duration startTimeout = Duration.ofSeconds(30);

		private Duration destroyGracePeriod = Duration.ofSeconds(2);

		private LeftoverPolicy leftovers = LeftoverPolicy.DESTROY;

		private boolean killWithOwner = true;

		private DomainOperationListener operationListener = DomainOperationListener.NONE;

		private DriverObserver observer = DriverObserver.NONE;

		private Builder(Path root) {
			this.root = root;
		}

		public Builder emulator(Path emulator) {
			this.emulator = emulator;
			return this;
		}

		public Builder accel(Accel accel) {
			this.accel = accel;
			return this;
		}

		public Builder accessPolicy(AccessPolicy accessPolicy) {
			this.accessPolicy = accessPolicy;
			return this;
		}

		public Builder callerSupplier(CallerSupplier callerSupplier) {
			this.callerSupplier = callerSupplier;
			return this;
		}

		public Builder secondary(SecondaryDrivers secondary) {
			this.secondary = secondary;
			return this;
		}

		public Builder qmpTimeout(Duration qmpTimeout) {
			this.qmpTimeout = qmpTimeout;
			return this;
		}

		public Builder startTimeout(Duration startTimeout) {
			this.startTimeout = startTimeout;
			return this;
		}

		public Builder destroyGracePeriod(Duration destroyGracePeriod) {
			this.destroyGracePeriod = destroyGracePeriod;
			return this;
		}

		public Builder leftovers(LeftoverPolicy leftovers) {
			this.leftovers = leftovers;
			return this;
		}

		public Builder killWithOwner(boolean killWithOwner) {
			this.killWithOwner = killWithOwner;
			return this;
		}

		/**
		 * Adds a listener told about every start, shutdown and destroy; listeners added
		 * earlier are kept and called first.
		 */
		public Builder addOperationListener(DomainOperationListener listener) {
			Objects.requireNonNull(listener, "listener");
			this.operationListener = (this.operationListener == DomainOperationListener.NONE) ? listener
					: this.operationListener.andThen(listener);
			return this;
		}

		/**
		 * Sets the observer of domain operations and QMP commands (replacing an earlier
		 * one).
		 */
		public Builder observer(DriverObserver observer) {
			this.observer = Objects.requireNonNull(observer, "observer");
			return this;
		}

		public DriverConfig build() {
			return new DriverConfig(this.root, Optional.ofNullable(this.emulator), this.accel, this.accessPolicy,
					this.callerSupplier, this.secondary, this.qmpTimeout, this.startTimeout, this.destroyGracePeriod,
					this.leftovers, this.killWithOwner, this.operationListener, this.observer);
		}

	}

}
