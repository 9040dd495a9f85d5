package io.github.qemuembed.driver;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.github.qemuembed.driver.internal.core.EmbeddedDrivers;

/**
 * The embedded QEMU driver: the Java counterpart of libvirt's
 * {@code qemu:///embed?root=DIR}. One instance owns one root directory (locked while
 * open); its VMs are children of this JVM.
 * <p>
 * Every method but {@link #close()} is checked against the configured
 * {@link io.github.qemuembed.driver.access.AccessPolicy}. Methods are thread-safe;
 * operations on different domains never wait for each other.
 */
public interface QemuDriver extends AutoCloseable {

	/**
	 * Opens a driver on the configured root: creates the layout, locks it, probes the
	 * emulator and loads persistent definitions.
	 * @throws io.github.qemuembed.driver.error.RootLockedException if another driver
	 * holds the root
	 * @throws io.github.qemuembed.driver.error.EmulatorException if the emulator is
	 * missing or broken
	 */
	static QemuDriver open(DriverConfig config) {
		return EmbeddedDrivers.open(config);
	}

	/** The root directory ({@code connect.getattr}). */
	Path root();

	/**
	 * Facts about the emulator: path, version, accelerator in use ({@code connect.read}).
	 */
	EmulatorInfo emulator();

	/**
	 * Defines (or redefines) a persistent domain from libvirt domain XML
	 * ({@code domain.write}, {@code domain.save}). The definition is written atomically
	 * under {@code etc/qemu}.
	 */
	Domain define(String xml);

	/**
	 * Starts a transient domain from XML: it is forgotten once it stops
	 * ({@code domain.start}).
	 */
	Domain createTransient(String xml);

	/**
	 * Restores a domain saved with {@link Domain#save(Path)}, like libvirt's
	 * {@code virDomainRestore}: into the inactive domain with that name and UUID if this
	 * driver has one, else as a transient domain. It runs (or stays paused, if it was
	 * paused when saved) with the state it had; the file stays ({@code domain.start},
	 * {@code domain.write}).
	 */
	Domain restore(Path file);

	/**
	 * Like {@link #restore(Path)}, as the domain {@code xml} describes, like libvirt's
	 * {@code virDomainRestoreFlags} with its {@code dxml}: a copy of the saved domain
	 * under another name and UUID, on other disk images. The XML may differ from the
	 * saved live XML ({@link Domain#xml(boolean)} of the domain when it was saved) only
	 * in {@code <name>}, {@code <uuid>} and the disks' {@code <source file>}: the saved
	 * state needs the same machine and devices, and anything else is refused with
	 * {@link io.github.qemuembed.driver.error.InvalidConfigurationException}. The images
	 * given must hold what the saved ones held then ({@code domain.start},
	 * {@code domain.write}).
	 */
	Domain restore(Path file, String xml);

	/** The domain with this name ({@code domain.getattr}). */
	Domain lookup(String name);

	/** The domain with this UUID ({@code domain.getattr}). */
	Domain lookup(UUID uuid);

	/**
	 * The domain with this name, if any and visible to the caller
	 * ({@code domain.getattr}).
	 */
	Optional<Domain> find(String name);

	/**
	 * Domains the caller may see ({@code connect.search_domains}, filtered by
	 * {@code domain.getattr}).
	 */
	List<Domain> list(DomainListFilter filter);

	/** Persistent definitions that failed to load at open ({@code connect.read}). */
	List<LoadProblem> loadProblems();

	/**
	 * Registers a lifecycle listener ({@code connect.read}); close the returned handle to
	 * remove it.
	 */
	AutoCloseable addListener(DomainEventListener listener);

	/** Whether the driver is open ({@code connect.getattr}). */
	boolean isOpen();

	/**
	 * Closes the driver: stops watching its VMs and releases the root. Running VMs are
	 * not stopped by this call (stop them first, or let the parent-death signal end them
	 * with the JVM); call {@link Domain#destroy()} on each for an immediate stop.
	 */
	@Override
	void close();

}
