package io.github.qemuembed.driver.internal.capabilities;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.internal.fs.AtomicFiles;
import io.github.qemuembed.driver.internal.io.JsonValues;

/**
 * Probed capabilities kept on disk, one JSON file per emulator binary under the root's
 * {@code cache/qemu/capabilities/}, the way libvirt caches its QEMU capabilities.
 * <p>
 * A file is named after the binary and a hash of its absolute path, and holds the key it
 * was probed for: the path, the size and the modification time of the binary. A file
 * whose key no longer matches (QEMU was upgraded, or the binary touched), that cannot be
 * read or parsed, or that has another format version is ignored: the binary is probed
 * again and the file replaced (written to a temporary file and renamed over the old one,
 * so a reader never sees half a file; not forced to disk, since a file that a power loss
 * damages is only probed again). A cache that cannot be written only costs the next open
 * a probe.
 * <p>
 * The accelerators handed out are the compiled-in ones that are usable now: {@code kvm}
 * only while {@code /dev/kvm} can be opened for reading and writing, checked on every
 * {@link #get}.
 */
public final class CapabilityCache {

	private static final System.Logger logger = System.getLogger(CapabilityCache.class.getName());

	/**
	 * Bump when the file layout or the probe's meaning changes: older files are then
	 * re-probed. 2: CPU models from QOM's CPU types rather than
	 * {@code query-cpu-definitions} (the same names for x86).
	 */
	static final int FORMAT = 2;

	private static final Path KVM_DEVICE = Path.of("/dev/kvm");

	private final Path directory;

	private final Prober prober;

	/**
	 * A cache in {@code directory} (created when first written) that probes with
	 * {@link CapabilityProbe}.
	 */
	public CapabilityCache(Path directory) {
		this(directory, CapabilityProbe::probe);
	}

	CapabilityCache(Path directory, Prober prober) {
		this.directory = Objects.requireNonNull(directory, "directory");
		this.prober = Objects.requireNonNull(prober, "prober");
	}

	/**
	 * The capabilities of {@code emulator}, from {@code cacheDir} when cached for this
	 * very binary, else probed (within {@code timeout}) and cached.
	 * @param cacheDir the cache directory, normally {@code ROOT/cache/qemu/capabilities}
	 * @param emulator the QEMU binary
	 * @param timeout for a probe, should one be needed
	 * @throws EmulatorException if the binary does not exist or cannot be probed
	 */
	public static QemuCapabilities load(Path cacheDir, Path emulator, Duration timeout) {
		return new CapabilityCache(cacheDir).get(emulator, timeout);
	}

	/** @see #load(Path, Path, Duration) */
	public QemuCapabilities get(Path emulator, Duration timeout) {
		return store(find(emulator, timeout));
	}

	/**
	 * Starts {@link #get} on a thread of its own, so that the emulator's probe (its
	 * start, the monitor's classes, its answers) runs while the caller does other work;
	 * the cache file is written only by {@link CapabilityLookup#await()}, on the caller's
	 * thread.
	 */
	public CapabilityLookup start(Path emulator, Duration timeout) {
		return new CapabilityLookup(this, emulator, timeout);
	}

	/**
	 * The capabilities from the cache file, or probed if it has none for this binary;
	 * writes nothing, so that it can run before the caller holds the root.
	 */
	Found find(Path emulator, Duration timeout) {
		Path binary = emulator.toAbsolutePath().normalize();
		Key key = Key.of(binary);
		Path file = fileFor(binary);
		QemuCapabilities capabilities = read(file, key);
		if (capabilities != null) {
			return new Found(file, key, capabilities, -1);
		}
		long start = System.nanoTime();
		capabilities = this.prober.probe(binary, timeout);
		long millis = (System.nanoTime() - start) / 1_000_000;
		logger.log(Level.DEBUG, () -> "Probed " + binary + " in " + millis + " ms");
		return new Found(file, key, capabilities, millis);
	}

	/**
	 * Writes what {@link #find} probed to the cache file, and returns the capabilities
	 * usable now.
	 */
	QemuCapabilities store(Found found) {
		if (found.probeMillis() >= 0) {
			write(found.file(), found.key(), found.capabilities(), found.probeMillis());
		}
		return usableNow(found.capabilities());
	}

	/**
	 * The cache file for a binary: its file name (for people reading the directory) and a
	 * hash of its path.
	 */
	Path fileFor(Path binary) {
		return this.directory
			.resolve(binary.getFileName() + "-" + HexFormat.of().toHexDigits(pathHash(binary)) + ".json");
	}

	/**
	 * 64-bit FNV-1a of the path's UTF-8 bytes. Not a {@code MessageDigest}: the first one
	 * in a JVM sets up the JDK's security providers, tens of milliseconds of the first
	 * open. A collision costs no correctness: the file holds the full path, which
	 * {@link #read} compares, so two binaries sharing a file name would only probe again.
	 */
	static long pathHash(Path binary) {
		long hash = 0xcbf29ce484222325L;
		for (byte b : binary.toString().getBytes(StandardCharsets.UTF_8)) {
			hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
		}
		return hash;
	}

	private QemuCapabilities read(Path file, Key key) {
		Object root;
		try {
			root = JsonValues.read(Files.readAllBytes(file));
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException ex) {
			logger.log(Level.WARNING,
					"Ignoring unreadable capability cache " + file + " (it will be rewritten): " + ex.getMessage());
			return null;
		}
		try {
			Map<?, ?> top = object(root, "the file");
			if (!Long.valueOf(FORMAT).equals(top.get("format"))) {
				return null;
			}
			if (!key.matches(top.get("key"))) {
				logger.log(Level.DEBUG, () -> "Capability cache " + file + " is stale: " + key.path + " changed");
				return null;
			}
			return fromJson(object(top.get("capabilities"), "capabilities"), Path.of(key.path));
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING,
					"Ignoring corrupt capability cache " + file + " (it will be rewritten): " + ex.getMessage());
			return null;
		}
	}

	private void write(Path file, Key key, QemuCapabilities capabilities, long probeMillis) {
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("format", (long) FORMAT);
		root.put("key", key.toJson());
		root.put("probedAt", FileTime.fromMillis(System.currentTimeMillis()).toString());
		root.put("probeMillis", probeMillis);
		root.put("capabilities", toJson(capabilities));
		try {
			Files.createDirectories(this.directory);
			// renamed into place without fsync: a file lost or torn by a power loss only
			// fails to parse, and costs the next open a probe
			AtomicFiles.write(file, JsonValues.write(root), null, AtomicFiles.Durability.PROCESS_CRASH);
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.WARNING, "Cannot write the capability cache " + file + ": " + ex.getMessage());
		}
	}

	private static Map<String, Object> toJson(QemuCapabilities capabilities) {
		Map<String, Object> node = new LinkedHashMap<>();
		node.put("version", capabilities.version());
		node.put("machineTypes", capabilities.machineTypes());
		node.put("machineAliases", new TreeMap<>(capabilities.machineAliases()));
		node.put("defaultMachine", capabilities.defaultMachine());
		node.put("accelerators", new TreeSet<>(capabilities.accelerators()));
		node.put("deviceTypes", new TreeSet<>(capabilities.deviceTypes()));
		node.put("objectTypes", new TreeSet<>(capabilities.objectTypes()));
		node.put("cpuModels", new TreeSet<>(capabilities.cpuModels()));
		return node;
	}

	private static QemuCapabilities fromJson(Map<?, ?> node, Path emulator) {
		String version = string(require(node, "version"), "version");
		Map<String, String> aliases = new LinkedHashMap<>();
		for (Map.Entry<?, ?> alias : object(require(node, "machineAliases"), "machineAliases").entrySet()) {
			aliases.put(alias.getKey().toString(), string(alias.getValue(), "machineAliases"));
		}
		Object defaultMachine = node.get("defaultMachine");
		return new QemuCapabilities(emulator, version, strings(require(node, "machineTypes")), aliases,
				(defaultMachine == null) ? null : string(defaultMachine, "defaultMachine"),
				Set.copyOf(strings(require(node, "accelerators"))), Set.copyOf(strings(require(node, "deviceTypes"))),
				Set.copyOf(strings(require(node, "objectTypes"))), Set.copyOf(strings(require(node, "cpuModels"))));
	}

	private static Object require(Map<?, ?> node, String name) {
		Object value = node.get(name);
		if (value == null) {
			throw new IllegalStateException("missing '" + name + "'");
		}
		return value;
	}

	private static Map<?, ?> object(Object value, String what) {
		if (value instanceof Map<?, ?> map) {
			return map;
		}
		throw new IllegalStateException(what + " is not an object");
	}

	private static String string(Object value, String what) {
		if (value instanceof String string) {
			return string;
		}
		throw new IllegalStateException("not a string in " + what + ": " + value);
	}

	private static List<String> strings(Object array) {
		if (!(array instanceof List<?> list)) {
			throw new IllegalStateException("not an array: " + array);
		}
		List<String> values = new ArrayList<>(list.size());
		for (Object value : list) {
			values.add(string(value, "an array"));
		}
		return values;
	}

	private static QemuCapabilities usableNow(QemuCapabilities capabilities) {
		if (!capabilities.accelerators().contains("kvm") || kvmUsable()) {
			return capabilities;
		}
		Set<String> accelerators = new TreeSet<>(capabilities.accelerators());
		accelerators.remove("kvm");
		return new QemuCapabilities(capabilities.emulator(), capabilities.version(), capabilities.machineTypes(),
				capabilities.machineAliases(), capabilities.defaultMachine(), accelerators, capabilities.deviceTypes(),
				capabilities.objectTypes(), capabilities.cpuModels());
	}

	/**
	 * Whether this process may use KVM: {@code /dev/kvm} opens for reading and writing.
	 */
	static boolean kvmUsable() {
		try (FileChannel channel = FileChannel.open(KVM_DEVICE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			return true;
		}
		catch (IOException | UnsupportedOperationException | SecurityException ex) {
			return false;
		}
	}

	/**
	 * What {@link #find} found: the capabilities, and where they are to be cached if they
	 * were probed ({@code probeMillis} is -1 when they came from the file).
	 */
	record Found(Path file, Key key, QemuCapabilities capabilities, long probeMillis) {

	}

	/** Probes a binary; {@link CapabilityProbe#probe} in production. */
	@FunctionalInterface
	interface Prober {

		QemuCapabilities probe(Path emulator, Duration timeout);

	}

	/**
	 * What a cache entry was probed for: the binary's path, size and modification time
	 * (links followed).
	 */
	record Key(String path, long size, String modified) {

		static Key of(Path binary) {
			try {
				BasicFileAttributes attributes = Files.readAttributes(binary, BasicFileAttributes.class);
				// FileTime's ISO 8601 text, not Instant's: Instant.toString sets up
				// java.time's formatters, some 15 ms of the first open in a new JVM
				return new Key(binary.toString(), attributes.size(), attributes.lastModifiedTime().toString());
			}
			catch (IOException ex) {
				throw new EmulatorException("The emulator " + binary + " cannot be read (" + ex.getMessage()
						+ "); install the Debian package qemu-system-x86 or configure the path of a QEMU binary", ex);
			}
		}

		boolean matches(Object node) {
			return node instanceof Map<?, ?> map && this.path.equals(map.get("path"))
					&& Long.valueOf(this.size).equals(map.get("size")) && this.modified.equals(map.get("modified"));
		}

		Map<String, Object> toJson() {
			Map<String, Object> node = new LinkedHashMap<>();
			node.put("path", this.path);
			node.put("size", this.size);
			node.put("modified", this.modified);
			return node;
		}

	}

}
