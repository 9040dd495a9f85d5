package io.github.qemuembed.driver.capabilities;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.fs.AtomicFiles;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Probed capabilities kept on disk, one JSON file per emulator binary under the root's
 * {@code cache/qemu/capabilities/}, the way libvirt caches its QEMU capabilities.
 * <p>
 * A file is named after the binary and a hash of its absolute path, and holds the key it was probed for: the
 * path, the size and the modification time of the binary. A file whose key no longer matches (QEMU was upgraded,
 * or the binary touched), that cannot be read or parsed, or that has another format version is ignored: the
 * binary is probed again and the file replaced (written to a temporary file, forced to disk, renamed over the
 * old one, so a reader never sees half a file). A cache that cannot be written only costs the next open a probe.
 * <p>
 * The accelerators handed out are the compiled-in ones that are usable now: {@code kvm} only while
 * {@code /dev/kvm} can be opened for reading and writing, checked on every {@link #get}.
 */
public final class CapabilityCache {

	private static final System.Logger logger = System.getLogger(CapabilityCache.class.getName());

	/** Bump when the file layout or the probe's meaning changes: older files are then re-probed. */
	static final int FORMAT = 1;

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Path KVM_DEVICE = Path.of("/dev/kvm");

	private final Path directory;

	private final Prober prober;

	/** A cache in {@code directory} (created when first written) that probes with {@link CapabilityProbe}. */
	public CapabilityCache(Path directory) {
		this(directory, CapabilityProbe::probe);
	}

	CapabilityCache(Path directory, Prober prober) {
		this.directory = Objects.requireNonNull(directory, "directory");
		this.prober = Objects.requireNonNull(prober, "prober");
	}

	/**
	 * The capabilities of {@code emulator}, from {@code cacheDir} when cached for this very binary, else probed
	 * (within {@code timeout}) and cached.
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
		Path binary = emulator.toAbsolutePath().normalize();
		Key key = Key.of(binary);
		Path file = fileFor(binary);
		QemuCapabilities capabilities = read(file, key);
		if (capabilities == null) {
			long start = System.nanoTime();
			capabilities = this.prober.probe(binary, timeout);
			long millis = (System.nanoTime() - start) / 1_000_000;
			logger.log(Level.DEBUG, () -> "Probed " + binary + " in " + millis + " ms");
			write(file, key, capabilities, millis);
		}
		return usableNow(capabilities);
	}

	/** The cache file for a binary: its file name (for people reading the directory) and a hash of its path. */
	Path fileFor(Path binary) {
		String hash = HexFormat.of().formatHex(sha256(binary.toString())).substring(0, 16);
		return this.directory.resolve(binary.getFileName() + "-" + hash + ".json");
	}

	private QemuCapabilities read(Path file, Key key) {
		JsonNode root;
		try {
			root = json.readTree(Files.readAllBytes(file));
		}
		catch (NoSuchFileException ex) {
			return null;
		}
		catch (IOException | JacksonException ex) {
			logger.log(Level.WARNING, "Ignoring unreadable capability cache " + file + " (it will be rewritten): "
					+ ex.getMessage());
			return null;
		}
		try {
			if (root.path("format").asInt(-1) != FORMAT) {
				return null;
			}
			if (!key.matches(root.path("key"))) {
				logger.log(Level.DEBUG, () -> "Capability cache " + file + " is stale: " + key.path + " changed");
				return null;
			}
			return fromJson(root.path("capabilities"), Path.of(key.path));
		}
		catch (RuntimeException ex) {
			logger.log(Level.WARNING, "Ignoring corrupt capability cache " + file + " (it will be rewritten): "
					+ ex.getMessage());
			return null;
		}
	}

	private void write(Path file, Key key, QemuCapabilities capabilities, long probeMillis) {
		ObjectNode root = json.createObjectNode();
		root.put("format", FORMAT);
		root.set("key", key.toJson());
		root.put("probedAt", Instant.now().toString());
		root.put("probeMillis", probeMillis);
		root.set("capabilities", toJson(capabilities));
		try {
			Files.createDirectories(this.directory);
			AtomicFiles.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root), null);
		}
		catch (IOException | RuntimeException ex) {
			logger.log(Level.WARNING, "Cannot write the capability cache " + file + ": " + ex.getMessage());
		}
	}

	private static ObjectNode toJson(QemuCapabilities capabilities) {
		ObjectNode node = json.createObjectNode();
		node.put("version", capabilities.version());
		node.set("machineTypes", array(capabilities.machineTypes()));
		ObjectNode aliases = node.putObject("machineAliases");
		new java.util.TreeMap<>(capabilities.machineAliases()).forEach(aliases::put);
		node.put("defaultMachine", capabilities.defaultMachine());
		node.set("accelerators", array(new TreeSet<>(capabilities.accelerators())));
		node.set("deviceTypes", array(new TreeSet<>(capabilities.deviceTypes())));
		node.set("objectTypes", array(new TreeSet<>(capabilities.objectTypes())));
		node.set("cpuModels", array(new TreeSet<>(capabilities.cpuModels())));
		return node;
	}

	private static QemuCapabilities fromJson(JsonNode node, Path emulator) {
		String version = require(node, "version").asString();
		Map<String, String> aliases = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> alias : require(node, "machineAliases").properties()) {
			aliases.put(alias.getKey(), alias.getValue().asString());
		}
		JsonNode defaultMachine = node.get("defaultMachine");
		return new QemuCapabilities(emulator, version, strings(require(node, "machineTypes")), aliases,
				(defaultMachine == null || defaultMachine.isNull()) ? null : defaultMachine.asString(),
				Set.copyOf(strings(require(node, "accelerators"))), Set.copyOf(strings(require(node, "deviceTypes"))),
				Set.copyOf(strings(require(node, "objectTypes"))), Set.copyOf(strings(require(node, "cpuModels"))));
	}

	private static JsonNode require(JsonNode node, String name) {
		JsonNode value = node.get(name);
		if (value == null || value.isNull()) {
			throw new IllegalStateException("missing '" + name + "'");
		}
		return value;
	}

	private static List<String> strings(JsonNode array) {
		if (!array.isArray()) {
			throw new IllegalStateException("not an array: " + array.getNodeType());
		}
		List<String> values = new ArrayList<>(array.size());
		for (JsonNode value : array) {
			if (!value.isString()) {
				throw new IllegalStateException("not a string: " + value);
			}
			values.add(value.asString());
		}
		return values;
	}

	private static ArrayNode array(Collection<String> values) {
		ArrayNode array = json.createArrayNode();
		values.forEach(array::add);
		return array;
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

	/** Whether this process may use KVM: {@code /dev/kvm} opens for reading and writing. */
	static boolean kvmUsable() {
		try (FileChannel channel = FileChannel.open(KVM_DEVICE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
			return true;
		}
		catch (IOException | UnsupportedOperationException | SecurityException ex) {
			return false;
		}
	}

	private static byte[] sha256(String text) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required of every JVM", ex);
		}
	}

	/** Probes a binary; {@link CapabilityProbe#probe} in production. */
	@FunctionalInterface
	interface Prober {

		QemuCapabilities probe(Path emulator, Duration timeout);

	}

	/** What a cache entry was probed for: the binary's path, size and modification time (links followed). */
	private record Key(String path, long size, Instant modified) {

		static Key of(Path binary) {
			try {
				BasicFileAttributes attributes = Files.readAttributes(binary, BasicFileAttributes.class);
				return new Key(binary.toString(), attributes.size(), attributes.lastModifiedTime().toInstant());
			}
			catch (IOException ex) {
				throw new EmulatorException("The emulator " + binary + " cannot be read (" + ex.getMessage()
						+ "); install the Debian package qemu-system-x86 or configure the path of a QEMU binary", ex);
			}
		}

		boolean matches(JsonNode node) {
			return this.path.equals(node.path("path").asString(null)) && this.size == node.path("size").asLong(-1)
					&& this.modified.toString().equals(node.path("modified").asString(null));
		}

		ObjectNode toJson() {
			ObjectNode node = json.createObjectNode();
			node.put("path", this.path);
			node.put("size", this.size);
			node.put("modified", this.modified.toString());
			return node;
		}

	}

}
