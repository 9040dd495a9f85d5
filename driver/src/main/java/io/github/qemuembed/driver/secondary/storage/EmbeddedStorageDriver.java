package io.github.qemuembed.driver.secondary.storage;

import io.github.qemuembed.driver.internal.process.QemuImg;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.secondary.StorageDriver;
import io.github.qemuembed.driver.secondary.StorageVolume;

/**
 * libvirt's storage driver with {@code dir} pools, embedded: pool definitions in
 * {@code ROOT/etc/storage/NAME.xml} (autostart links in
 * {@code ROOT/etc/storage/autostart/}), active pools in
 * {@code ROOT/run/storage/NAME.xml}, volumes as plain files in each pool's target
 * directory (by default {@code ROOT/storage/NAME}), as {@code storage:///embed?root=ROOT}
 * keeps them. Volumes are created, inspected and resized with {@code qemu-img}.
 *
 * <p>
 * Every public operation asks the {@link AccessPolicy} for libvirt's permission, for the
 * caller the {@link CallerSupplier} names; volumes are named {@code POOL/VOLUME} to the
 * policy. Failures are {@link io.github.qemuembed.driver.error.StorageException}s whose
 * {@link io.github.qemuembed.driver.error.StorageException#problem() problem} says what
 * went wrong. {@link #volumePath} and {@link #describeVolume}, which a domain start uses,
 * are not checked: the domain operation was.
 */
public interface EmbeddedStorageDriver extends StorageDriver {

	/**
	 * Opens the storage of {@code root} with {@code qemu-img} from {@code PATH};
	 * autostart pools are started.
	 */
	static EmbeddedStorageDriver open(Path root, AccessPolicy policy, CallerSupplier callers) {
		return open(root, policy, callers, Optional.empty(), "embedded");
	}

	/**
	 * Opens the storage of {@code root}.
	 * @param qemuImg the {@code qemu-img} binary; empty means the one on {@code PATH}
	 * @param endpoint what {@link #endpoint()} reports (e.g.
	 * {@code storage:///embed?root=DIR})
	 */
	static EmbeddedStorageDriver open(Path root, AccessPolicy policy, CallerSupplier callers, Optional<Path> qemuImg,
			String endpoint) {
		return new DirStorageDriver(root, policy, callers, QemuImg.locate(qemuImg), endpoint);
	}

	// ---- pools ----

	/**
	 * Defines (or, with the same UUID, redefines) a persistent pool from libvirt pool XML
	 * ({@code <pool type='dir'>}); without {@code <target><path>} the pool lives in
	 * {@code ROOT/storage/NAME} ({@code storage_pool.write} and
	 * {@code storage_pool.save}).
	 */
	StoragePoolInfo definePool(String poolXml);

	/**
	 * Creates the pool's directory when missing and activates the pool
	 * ({@code storage_pool.start}).
	 */
	void startPool(String pool);

	/** Deactivates the pool; its volumes stay on disk ({@code storage_pool.stop}). */
	void stopPool(String pool);

	/**
	 * Removes the definition of an inactive pool; its directory stays
	 * ({@code storage_pool.delete}).
	 */
	void undefinePool(String pool);

	/**
	 * Removes the (empty) directory of an inactive pool, like {@code virsh pool-delete}
	 * ({@code storage_pool.delete}).
	 */
	void deletePool(String pool);

	/** Starts the pool whenever the driver opens ({@code storage_pool.write}). */
	void setAutostart(String pool, boolean autostart);

	/** The pool ({@code storage_pool.getattr}). */
	StoragePoolInfo pool(String pool);

	/**
	 * The pools the caller may see ({@code connect.search_storage_pools}, then
	 * {@code storage_pool.getattr} each).
	 */
	List<StoragePoolInfo> listPools();

	/** The pool's XML as libvirt writes it ({@code storage_pool.read}). */
	String poolXml(String pool);

	// ---- volumes ----

	/**
	 * The volumes of an active pool ({@code storage_pool.search_storage_vols}, then
	 * {@code storage_vol.getattr} each).
	 */
	List<StorageVolume> listVolumes(String pool);

	/** The volume's XML as libvirt writes it ({@code storage_vol.read}). */
	String volumeXml(String pool, String volume);

	/**
	 * Creates an empty raw or qcow2 volume of {@code capacity} bytes
	 * ({@code storage_vol.create}).
	 */
	StorageVolume createVolume(String pool, String volume, VolumeFormat format, long capacity);

	/**
	 * Creates a volume from libvirt volume XML: {@code <name>}, {@code <capacity>},
	 * {@code <target><format type=…/>} and, for an overlay, {@code <backingStore><path>}
	 * with its {@code <format>} ({@code storage_vol.create}).
	 */
	StorageVolume createVolume(String pool, String volumeXml);

	/**
	 * Creates a qcow2 volume whose backing file is the base volume, which stays
	 * unchanged: many overlays may share one base. {@code capacity} empty means the
	 * base's size ({@code storage_vol.create}, and {@code storage_vol.read} on the base).
	 */
	StorageVolume createOverlay(String pool, String volume, String basePool, String baseVolume,
			Optional<Long> capacity);

	/**
	 * Copies an image from a file or an {@code http(s)} URL into a new volume. The data
	 * goes to a hidden file in the pool's directory, is checked against the SHA-256
	 * (required for URLs) and probed, and only then gets the volume's name; a failed or
	 * killed import leaves no volume, and a leftover hidden file is removed when the pool
	 * starts ({@code storage_vol.create}).
	 */
	StorageVolume importVolume(ImportRequest request, ImportListener listener);

	/**
	 * Grows a volume to {@code capacity} bytes; shrinking is refused
	 * ({@code storage_vol.resize}).
	 */
	StorageVolume resizeVolume(String pool, String volume, long capacity);

	/** Deletes a volume that no running domain has open ({@code storage_vol.delete}). */
	void deleteVolume(String pool, String volume);

}
