package io.github.qemuembed.driver.secondary.storage;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.error.StorageException.Problem;
import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.internal.fs.AtomicFiles;
import io.github.qemuembed.driver.internal.process.QemuImg;
import io.github.qemuembed.driver.secondary.StorageVolume;

/**
 * The embedded storage driver ({@link EmbeddedStorageDriver}): {@code dir} pools under a
 * root.
 * <p>
 * Access checks and volumes; the pools and their files are {@link PoolStore}'s. Metadata
 * (which pools exist, which are active, which volume names are being created) is guarded
 * by {@code this}. Creating a volume never shows a half-made one: {@code qemu-img} or an
 * import writes a hidden {@code .NAME.*.part} file in the pool's directory, and only a
 * complete, checked file is hard-linked to the volume's name (a link, unlike a rename,
 * fails when the name exists). Hidden files left by a killed process are removed when the
 * pool starts.
 */
final class DirStorageDriver implements EmbeddedStorageDriver {

	private static final System.Logger logger = System.getLogger(DirStorageDriver.class.getName());

	private final Path root;

	private final AccessPolicy policy;

	private final CallerSupplier callers;

	private final QemuImg qemuImg;

	private final String endpoint;

	private final VolumeUsers users;

	// guarded by this
	private final PoolStore pools;

	/** {@code POOL/VOLUME} names reserved by creations in progress. */
	private final Set<String> creating = new HashSet<>();

	DirStorageDriver(Path root, AccessPolicy policy, CallerSupplier callers, QemuImg qemuImg, String endpoint) {
		this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
		this.policy = Objects.requireNonNull(policy,
				"policy (an embedded storage driver cannot be opened without an access policy)");
		this.callers = Objects.requireNonNull(callers, "callers");
		this.qemuImg = qemuImg;
		this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
		this.users = new VolumeUsers(this.root);
		this.pools = new PoolStore(this.root);
	}

	@Override
	public String endpoint() {
		return this.endpoint;
	}

	@Override
	public void ping() {
		if (!Files.isDirectory(this.pools.configDir())) {
			throw new SecondaryDriverException("The embedded storage directory " + this.pools.configDir() + " is gone");
		}
	}

	// ---- pools ----

	@Override
	public synchronized StoragePoolInfo definePool(String poolXml) {
		PoolDefinition definition = PoolDefinition.parse(poolXml, (name) -> this.root.resolve("storage").resolve(name));
		checkPool(Permission.STORAGE_POOL_WRITE, definition.name());
		checkPool(Permission.STORAGE_POOL_SAVE, definition.name());
		return this.pools.define(definition);
	}

	@Override
	public synchronized void startPool(String pool) {
		checkPool(Permission.STORAGE_POOL_START, pool);
		this.pools.start(pool);
	}

	@Override
	public synchronized void stopPool(String pool) {
		checkPool(Permission.STORAGE_POOL_STOP, pool);
		if (this.creating.stream().anyMatch((name) -> name.startsWith(pool + "/"))) {
			throw new StorageException(Problem.POOL_STATE,
					"pool '" + pool + "' has a volume being created or imported; stop it afterwards");
		}
		this.pools.stop(pool);
	}

	@Override
	public synchronized void undefinePool(String pool) {
		checkPool(Permission.STORAGE_POOL_DELETE, pool);
		this.pools.undefine(pool);
	}

	@Override
	public synchronized void deletePool(String pool) {
		checkPool(Permission.STORAGE_POOL_DELETE, pool);
		this.pools.deleteDirectory(pool);
	}

	@Override
	public synchronized void setAutostart(String pool, boolean autostart) {
		checkPool(Permission.STORAGE_POOL_WRITE, pool);
		this.pools.setAutostart(pool, autostart);
	}

	@Override
	public synchronized StoragePoolInfo pool(String pool) {
		checkPool(Permission.STORAGE_POOL_GETATTR, pool);
		return this.pools.info(this.pools.require(pool));
	}

	@Override
	public synchronized List<StoragePoolInfo> listPools() {
		check(AccessRequest.connect(Permission.CONNECT_SEARCH_STORAGE_POOLS, this.callers.currentCaller()));
		return this.pools.all()
			.stream()
			.filter((p) -> this.policy.isAllowed(poolRequest(Permission.STORAGE_POOL_GETATTR, p.name())))
			.toList();
	}

	@Override
	public synchronized String poolXml(String pool) {
		checkPool(Permission.STORAGE_POOL_READ, pool);
		return this.pools.xml(pool);
	}

	// ---- volumes: reading ----

	@Override
	public String volumePath(String pool, String volume) {
		return existingVolume(pool, volume).toString();
	}

	@Override
	public StorageVolume describeVolume(String pool, String volume) {
		Path path = existingVolume(pool, volume);
		QemuImg.ImageInfo info = this.qemuImg.info(path, Optional.empty());
		return new StorageVolume(pool, volume, path.toString(), Optional.of(info.format()),
				Optional.of(info.virtualSize()));
	}

	@Override
	public List<StorageVolume> listVolumes(String pool) {
		checkPool(Permission.STORAGE_POOL_SEARCH_STORAGE_VOLS, pool);
		Path dir = activeTarget(pool);
		List<String> names = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
			for (Path file : files) {
				String name = file.getFileName().toString();
				if (!name.startsWith(".") && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
					names.add(name);
				}
			}
		}
		catch (IOException ex) {
			throw PoolStore.failed("cannot list " + dir, ex);
		}
		List<StorageVolume> volumes = new ArrayList<>();
		for (String name : names.stream().sorted().toList()) {
			if (this.policy.isAllowed(volumeRequest(Permission.STORAGE_VOL_GETATTR, pool, name))) {
				try {
					volumes.add(describeVolume(pool, name));
				}
				catch (StorageException ex) {
					// deleted meanwhile, or a file qemu-img cannot read: not a volume to
					// report
					logger.log(Level.DEBUG, "Skipping " + name + " in pool '" + pool + "': " + ex.getMessage());
				}
			}
		}
		return volumes;
	}

	@Override
	public String volumeXml(String pool, String volume) {
		checkVolume(Permission.STORAGE_VOL_READ, pool, volume);
		Path path = existingVolume(pool, volume);
		QemuImg.ImageInfo info = this.qemuImg.info(path, Optional.empty());
		return VolumeXml.write(volume, path, VolumeFormat.of(info.format()), info);
	}

	// ---- volumes: changing ----

	@Override
	public StorageVolume createVolume(String pool, String volume, VolumeFormat format, long capacity) {
		checkVolume(Permission.STORAGE_VOL_CREATE, pool, volume);
		Objects.requireNonNull(format, "format");
		if (capacity <= 0) {
			throw new StorageException(Problem.INVALID_REQUEST,
					"the capacity of volume '" + volume + "' must be positive, not " + capacity);
		}
		return create(pool, volume, (temp) -> this.qemuImg.create(temp, format, capacity));
	}

	@Override
	public StorageVolume createVolume(String pool, String volumeXml) {
		VolumeXml.Spec spec = VolumeXml.parse(volumeXml);
		checkVolume(Permission.STORAGE_VOL_CREATE, pool, spec.name());
		if (spec.backingPath().isEmpty()) {
			return createVolume(pool, spec.name(), spec.format(), spec.capacity());
		}
		Path base = spec.backingPath().get();
		VolumeFormat baseFormat = spec.backingFormat().orElseGet(() -> probeBase(base, base.toString()));
		if (!Files.isRegularFile(base)) {
			throw baseMissing(base.toString(), base);
		}
		Optional<Long> capacity = (spec.capacity() > 0) ? Optional.of(spec.capacity()) : Optional.empty();
		return create(pool, spec.name(), (temp) -> this.qemuImg.createOverlay(temp, base, baseFormat, capacity));
	}

	@Override
	public StorageVolume createOverlay(String pool, String volume, String basePool, String baseVolume,
			Optional<Long> capacity) {
		checkVolume(Permission.STORAGE_VOL_CREATE, pool, volume);
		checkVolume(Permission.STORAGE_VOL_READ, basePool, baseVolume);
		Objects.requireNonNull(capacity, "capacity");
		Path base = volumeFile(basePool, baseVolume);
		if (!Files.isRegularFile(base, LinkOption.NOFOLLOW_LINKS)) {
			throw baseMissing(basePool + "/" + baseVolume, base);
		}
		VolumeFormat baseFormat = probeBase(base, basePool + "/" + baseVolume);
		if (capacity.isPresent() && capacity.get() <= 0) {
			throw new StorageException(Problem.INVALID_REQUEST,
					"the capacity of volume '" + volume + "' must be positive, not " + capacity.get());
		}
		return create(pool, volume, (temp) -> this.qemuImg.createOverlay(temp, base, baseFormat, capacity));
	}

	@Override
	public StorageVolume importVolume(ImportRequest request, ImportListener listener) {
		checkVolume(Permission.STORAGE_VOL_CREATE, request.pool(), request.volume());
		Objects.requireNonNull(listener, "listener");
		Optional<String> expected = request.sha256().map((sum) -> sum.strip().toLowerCase(Locale.ROOT));
		if (expected.isPresent() && !expected.get().matches("[0-9a-f]{64}")) {
			throw new StorageException(Problem.INVALID_REQUEST,
					"the SHA-256 of an import is 64 hex digits; got '" + request.sha256().get() + "'");
		}
		if (request.remote() && expected.isEmpty()) {
			throw new StorageException(Problem.INVALID_REQUEST,
					"an import from a URL needs the image's SHA-256: " + "nothing downloaded is used unchecked");
		}
		String label = request.pool() + "/" + request.volume();
		return create(request.pool(), request.volume(), (temp) -> {
			String actual = VolumeImport.copy(request, temp, listener);
			if (expected.isPresent() && !expected.get().equals(actual)) {
				throw new StorageException(Problem.CHECKSUM_MISMATCH,
						"the SHA-256 of " + VolumeImport.shown(request.source()) + " is " + actual
								+ ", not the expected " + expected.get() + "; volume " + label + " was not created");
			}
			QemuImg.ImageInfo info = this.qemuImg.info(temp, request.format());
			if (!info.format().equals("raw") && !info.format().equals("qcow2")) {
				throw new StorageException(Problem.UNSUPPORTED_IMAGE, "the image for " + label + " is '" + info.format()
						+ "': the embedded storage driver imports raw and qcow2 images");
			}
			if (info.backingFile().isPresent()) {
				// a backing path inside an image comes from whoever made it: it could
				// name any host file
				throw new StorageException(Problem.UNSUPPORTED_IMAGE,
						"the image for " + label
								+ " has a backing file of its own; import a standalone image (qemu-img convert) and "
								+ "create an overlay on it here");
			}
			logger.log(Level.INFO, "Imported " + VolumeImport.shown(request.source()) + " into " + label + " ("
					+ info.format() + ", " + info.virtualSize() + " bytes, sha256 " + actual + ")");
		});
	}

	@Override
	public StorageVolume resizeVolume(String pool, String volume, long capacity) {
		checkVolume(Permission.STORAGE_VOL_RESIZE, pool, volume);
		Path path = existingVolume(pool, volume);
		refuseInUse(pool, volume, path, "resize");
		QemuImg.ImageInfo info = this.qemuImg.info(path, Optional.empty());
		if (capacity < info.virtualSize()) {
			throw new StorageException(Problem.INVALID_REQUEST,
					"volume " + pool + "/" + volume + " has " + info.virtualSize() + " bytes; shrinking it to "
							+ capacity + " would cut off data, which " + "the embedded storage driver refuses");
		}
		this.qemuImg.resize(path, VolumeFormat.of(info.format()), capacity);
		return describeVolume(pool, volume);
	}

	@Override
	public void deleteVolume(String pool, String volume) {
		checkVolume(Permission.STORAGE_VOL_DELETE, pool, volume);
		Path path = existingVolume(pool, volume);
		synchronized (this) {
			refuseInUse(pool, volume, path, "delete");
			PoolStore.delete(path);
			AtomicFiles.syncDirectory(path.getParent());
		}
	}

	// ---- helpers ----

	/** How a new volume's hidden file gets its content; throws to abandon the volume. */
	@FunctionalInterface
	private interface Filler {

		void fill(Path temp);

	}

	/**
	 * Reserves the name, fills a hidden file in the pool's directory, and links it to the
	 * volume's name only when the filler succeeded. Any failure (or a kill) leaves no
	 * volume.
	 */
	private StorageVolume create(String pool, String volume, Filler filler) {
		StorageNames.volume(volume);
		String key = pool + "/" + volume;
		Path dir;
		synchronized (this) {
			dir = activeTarget(pool);
			if (Files.exists(dir.resolve(volume), LinkOption.NOFOLLOW_LINKS) || !this.creating.add(key)) {
				throw new StorageException(Problem.VOLUME_EXISTS, "volume '" + volume + "' already exists in pool '"
						+ pool + "'" + (this.creating.contains(key) ? " (or is being created)" : ""));
			}
		}
		Path temp = null;
		try {
			temp = Files.createTempFile(dir, "." + volume + ".", PoolStore.PART_SUFFIX,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			filler.fill(temp);
			Path target = dir.resolve(volume);
			try {
				Files.createLink(target, temp);
			}
			catch (FileAlreadyExistsException ex) {
				throw new StorageException(Problem.VOLUME_EXISTS,
						"volume '" + volume + "' appeared in pool '" + pool + "' while it was being created", ex);
			}
			AtomicFiles.syncDirectory(dir);
		}
		catch (IOException ex) {
			if (VolumeImport.isNoSpace(ex)) {
				throw new StorageException(Problem.NO_SPACE, "no space left in the file system of pool '" + pool + "' ("
						+ dir + ") for volume '" + volume + "'", ex);
			}
			throw PoolStore.failed("cannot create volume '" + volume + "' in pool '" + pool + "'", ex);
		}
		finally {
			if (temp != null) {
				PoolStore.delete(temp);
			}
			synchronized (this) {
				this.creating.remove(key);
			}
		}
		return describeVolume(pool, volume);
	}

	private VolumeFormat probeBase(Path base, String shown) {
		if (!Files.isRegularFile(base)) {
			throw baseMissing(shown, base);
		}
		String format = this.qemuImg.info(base, Optional.empty()).format();
		return VolumeFormat.of(format);
	}

	private static StorageException baseMissing(String shown, Path base) {
		return new StorageException(Problem.BASE_MISSING,
				"the base image " + shown + " (" + base + ") does not exist: import or create it first");
	}

	private void refuseInUse(String pool, String volume, Path path, String operation) {
		Optional<String> user = this.users.userOf(path);
		if (user.isPresent()) {
			throw new StorageException(Problem.VOLUME_IN_USE,
					"cannot " + operation + " volume " + pool + "/" + volume + ": running domain '" + user.get()
							+ "' has it open (directly or as a backing file); stop " + "that domain first");
		}
	}

	private synchronized Path activeTarget(String pool) {
		return this.pools.activeTarget(pool);
	}

	private Path volumeFile(String pool, String volume) {
		StorageNames.volume(volume);
		return activeTarget(pool).resolve(volume);
	}

	private Path existingVolume(String pool, String volume) {
		Path path = volumeFile(pool, volume);
		if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
			throw new StorageException(Problem.VOLUME_NOT_FOUND,
					"no volume '" + volume + "' in pool '" + pool + "' (" + path.getParent() + ")");
		}
		return path;
	}

	private AccessRequest poolRequest(Permission permission, String pool) {
		return AccessRequest.object(permission, pool, this.callers.currentCaller());
	}

	private AccessRequest volumeRequest(Permission permission, String pool, String volume) {
		return AccessRequest.object(permission, pool + "/" + volume, this.callers.currentCaller());
	}

	private void checkPool(Permission permission, String pool) {
		StorageNames.pool(pool);
		check(poolRequest(permission, pool));
	}

	private void checkVolume(Permission permission, String pool, String volume) {
		StorageNames.pool(pool);
		StorageNames.volume(volume);
		check(volumeRequest(permission, pool, volume));
	}

	private void check(AccessRequest request) {
		if (!this.policy.isAllowed(request)) {
			throw new AccessDeniedException(request);
		}
	}

	@Override
	public String toString() {
		return "EmbeddedStorageDriver[" + this.root + "]";
	}

}
