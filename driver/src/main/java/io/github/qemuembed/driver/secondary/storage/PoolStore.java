package io.github.qemuembed.driver.secondary.storage;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.error.StorageException.Problem;
import io.github.qemuembed.driver.error.StorageException;
import io.github.qemuembed.driver.internal.fs.AtomicFiles;

/**
 * The pools of the embedded storage driver and their files: definitions in
 * {@code ROOT/etc/storage}, autostart links in {@code ROOT/etc/storage/autostart}, active
 * pools in {@code ROOT/run/storage}. Not thread-safe: {@link DirStorageDriver} calls it
 * while holding its own lock.
 */
final class PoolStore {

	private static final System.Logger logger = System.getLogger(PoolStore.class.getName());

	static final String PART_SUFFIX = ".part";

	private final Path root;

	private final Path configDir;

	private final Path autostartDir;

	private final Path stateDir;

	private final Map<String, PoolDefinition> pools = new LinkedHashMap<>();

	private final Set<String> active = new HashSet<>();

	/**
	 * Opens the pools of {@code root}; pools that were active, or autostart, are started.
	 */
	PoolStore(Path root) {
		this.root = root;
		this.configDir = root.resolve("etc/storage");
		this.autostartDir = this.configDir.resolve("autostart");
		this.stateDir = root.resolve("run/storage");
		try {
			Files.createDirectories(this.configDir);
			Files.createDirectories(this.stateDir);
		}
		catch (IOException ex) {
			throw failed("cannot create the embedded storage directories under " + root, ex);
		}
		load();
	}

	Path configDir() {
		return this.configDir;
	}

	List<StoragePoolInfo> all() {
		return this.pools.values().stream().sorted(Comparator.comparing(PoolDefinition::name)).map(this::info).toList();
	}

	String xml(String pool) {
		PoolDefinition definition = require(pool);
		StoragePoolInfo info = info(definition);
		return definition.toXml(info.capacity(), info.capacity() - info.available(), info.available());
	}

	/** Defines (or, with the same UUID, redefines) a pool from a parsed definition. */
	StoragePoolInfo define(PoolDefinition definition) {
		PoolDefinition existing = this.pools.get(definition.name());
		if (existing != null && !existing.uuid().equals(definition.uuid())) {
			throw new StorageException(Problem.POOL_EXISTS, "pool '" + definition.name() + "' already exists with UUID "
					+ existing.uuid() + "; undefine it first or give that UUID to redefine it");
		}
		for (PoolDefinition other : this.pools.values()) {
			if (!other.name().equals(definition.name()) && other.uuid().equals(definition.uuid())) {
				throw new StorageException(Problem.POOL_EXISTS,
						"pool '" + other.name() + "' already has UUID " + definition.uuid());
			}
			if (!other.name().equals(definition.name()) && other.target().equals(definition.target())) {
				throw new StorageException(Problem.POOL_EXISTS,
						"pool '" + other.name() + "' already uses the directory " + definition.target()
								+ "; give each pool its own <target><path>");
			}
		}
		if (existing != null && this.active.contains(existing.name())
				&& !existing.target().equals(definition.target())) {
			throw new StorageException(Problem.POOL_STATE,
					"pool '" + existing.name() + "' is active: stop it before moving its directory");
		}
		AtomicFiles.writeString(configFile(definition.name()), definition.toXml(0, 0, 0));
		this.pools.put(definition.name(), definition);
		return info(definition);
	}

	void start(String pool) {
		PoolDefinition definition = require(pool);
		if (this.active.contains(pool)) {
			throw new StorageException(Problem.POOL_STATE, "pool '" + pool + "' is already active");
		}
		activate(definition);
	}

	void stop(String pool) {
		require(pool);
		if (!this.active.contains(pool)) {
			throw new StorageException(Problem.POOL_STATE, "pool '" + pool + "' is not active");
		}
		delete(stateFile(pool));
		this.active.remove(pool);
	}

	void undefine(String pool) {
		require(pool);
		if (this.active.contains(pool)) {
			throw new StorageException(Problem.POOL_STATE, "pool '" + pool + "' is active: stop it first");
		}
		delete(this.autostartDir.resolve(pool + ".xml"));
		delete(configFile(pool));
		this.pools.remove(pool);
	}

	void deleteDirectory(String pool) {
		PoolDefinition definition = require(pool);
		if (this.active.contains(pool)) {
			throw new StorageException(Problem.POOL_STATE, "pool '" + pool + "' is active: stop it first");
		}
		try {
			Files.deleteIfExists(definition.target());
		}
		catch (DirectoryNotEmptyException ex) {
			throw new StorageException(Problem.POOL_STATE, "the directory " + definition.target() + " of pool '" + pool
					+ "' is not empty: delete its volumes first", ex);
		}
		catch (IOException ex) {
			throw failed("cannot delete " + definition.target(), ex);
		}
	}

	void setAutostart(String pool, boolean autostart) {
		require(pool);
		Path link = this.autostartDir.resolve(pool + ".xml");
		try {
			if (autostart) {
				Files.createDirectories(this.autostartDir);
				if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
					Files.createSymbolicLink(link, configFile(pool));
				}
			}
			else {
				Files.deleteIfExists(link);
			}
		}
		catch (IOException ex) {
			throw failed("cannot change the autostart link " + link, ex);
		}
	}

	Path activeTarget(String pool) {
		PoolDefinition definition = require(pool);
		if (!this.active.contains(pool)) {
			throw new StorageException(Problem.POOL_STATE, "pool '" + pool + "' is not active: start it first");
		}
		return definition.target();
	}

	PoolDefinition require(String pool) {
		StorageNames.pool(pool);
		PoolDefinition definition = this.pools.get(pool);
		if (definition == null) {
			throw new StorageException(Problem.POOL_NOT_FOUND,
					"no storage pool '" + pool + "' in the embedded storage driver (" + this.configDir + ")");
		}
		return definition;
	}

	StoragePoolInfo info(PoolDefinition definition) {
		boolean isActive = this.active.contains(definition.name());
		long capacity = 0;
		long available = 0;
		if (isActive) {
			try {
				FileStore store = Files.getFileStore(definition.target());
				capacity = store.getTotalSpace();
				available = store.getUsableSpace();
			}
			catch (IOException ex) {
				// the directory went away: report no space rather than fail a listing
			}
		}
		return new StoragePoolInfo(definition.name(), definition.uuid(), definition.target(), isActive,
				Files.exists(this.autostartDir.resolve(definition.name() + ".xml"), LinkOption.NOFOLLOW_LINKS),
				capacity, available);
	}

	private void activate(PoolDefinition definition) {
		Path target = definition.target();
		try {
			Files.createDirectories(target);
			if (definition.mode().isPresent()) {
				Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(rwx(definition.mode().get())));
			}
		}
		catch (IOException ex) {
			throw failed("cannot create the directory " + target + " of pool '" + definition.name() + "'", ex);
		}
		removeLeftovers(definition);
		AtomicFiles.writeString(stateFile(definition.name()), definition.toXml(0, 0, 0));
		this.active.add(definition.name());
	}

	/** Hidden part files of creations or imports that a killed process never finished. */
	private void removeLeftovers(PoolDefinition definition) {
		try (DirectoryStream<Path> parts = Files.newDirectoryStream(definition.target(), ".*" + PART_SUFFIX)) {
			for (Path part : parts) {
				logger.log(Level.INFO, "Removing " + part + ", left by an unfinished volume creation");
				delete(part);
			}
		}
		catch (IOException ex) {
			logger.log(Level.WARNING, "Cannot look for leftovers in " + definition.target() + ": " + ex.getMessage());
		}
	}

	private static String rwx(String octal) {
		StringBuilder text = new StringBuilder();
		for (char digit : octal.substring(octal.length() - 3).toCharArray()) {
			int bits = digit - '0';
			text.append(((bits & 4) != 0) ? 'r' : '-')
				.append(((bits & 2) != 0) ? 'w' : '-')
				.append(((bits & 1) != 0) ? 'x' : '-');
		}
		return text.toString();
	}

	private void load() {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.configDir, "*.xml")) {
			for (Path file : files) {
				String fileName = file.getFileName().toString();
				try {
					PoolDefinition definition = PoolDefinition.parse(Files.readString(file),
							(name) -> this.root.resolve("storage").resolve(name));
					if (!fileName.equals(definition.name() + ".xml")) {
						logger.log(Level.WARNING,
								"Ignoring pool file " + file + ": it defines pool '" + definition.name() + "'");
						continue;
					}
					this.pools.put(definition.name(), definition);
				}
				catch (IOException | QemuEmbedException ex) {
					// as in libvirt: one bad file does not stop the driver
					logger.log(Level.WARNING, "Ignoring unreadable pool file " + file + ": " + ex.getMessage());
				}
			}
		}
		catch (IOException ex) {
			throw failed("cannot read " + this.configDir, ex);
		}
		for (PoolDefinition definition : List.copyOf(this.pools.values())) {
			boolean wasActive = Files.exists(stateFile(definition.name()));
			boolean autostart = Files.exists(this.autostartDir.resolve(definition.name() + ".xml"));
			if (wasActive || autostart) {
				try {
					activate(definition);
				}
				catch (StorageException ex) {
					logger.log(Level.WARNING, "Cannot start pool '" + definition.name() + "': " + ex.getMessage());
				}
			}
		}
	}

	private Path configFile(String pool) {
		return this.configDir.resolve(pool + ".xml");
	}

	private Path stateFile(String pool) {
		return this.stateDir.resolve(pool + ".xml");
	}

	static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			throw failed("cannot delete " + file, ex);
		}
	}

	static StorageException failed(String message, IOException ex) {
		return new StorageException(Problem.OPERATION_FAILED, message + ": " + ex.getMessage(), ex);
	}

}
