package io.github.qemuembed.driver;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.qemuembed.driver.access.AccessPolicy;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A driver on a fresh root for each test (access policy allow-all unless given),
 * recording every event, closed and deleted afterwards:
 * {@code @RegisterExtension final OpenDriver open = new OpenDriver();}.
 */
public final class OpenDriver implements BeforeEachCallback, AfterEachCallback {

	private final Accel accel;

	private final AccessPolicy policy;

	private final List<DomainEvent> events = new CopyOnWriteArrayList<>();

	private Path root;

	private QemuDriver driver;

	/**
	 * A driver with the default accelerator (KVM when usable): for guest-less domains.
	 */
	public OpenDriver() {
		this(Accel.AUTO);
	}

	/**
	 * A driver with the given accelerator: {@link Accel#TCG} for domains that boot a
	 * Linux guest.
	 */
	public OpenDriver(Accel accel) {
		this(accel, AccessPolicy.allowAll());
	}

	/** A driver with the given accelerator whose operations ask {@code policy}. */
	public OpenDriver(Accel accel, AccessPolicy policy) {
		this.accel = accel;
		this.policy = policy;
	}

	@Override
	public void beforeEach(ExtensionContext context) throws Exception {
		this.events.clear();
		this.root = GuestlessDomains.newRoot();
		this.driver = QemuDriver
			.open(GuestlessDomains.config(this.root).accel(this.accel).accessPolicy(this.policy).build());
		this.driver.addListener(this.events::add);
	}

	@Override
	public void afterEach(ExtensionContext context) throws Exception {
		try {
			this.driver.close();
		}
		finally {
			GuestlessDomains.deleteTree(this.root);
		}
	}

	public Path root() {
		return this.root;
	}

	public QemuDriver driver() {
		return this.driver;
	}

	/** The events so far, in delivery order. */
	public List<DomainEvent> events() {
		return this.events;
	}

}
