package io.github.qemuembed.driver.secondary.embedded;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.internal.fs.AtomicFiles;
import io.github.qemuembed.driver.secondary.PrivateSecretException;
import io.github.qemuembed.driver.secondary.SecretDriver;

/**
 * libvirt's secret driver, embedded: secrets live in {@code ROOT/etc/secrets} in
 * libvirt's own layout ({@code UUID.xml} with the definition, {@code UUID.base64} with
 * the value), directory {@code 0700} and files {@code 0600}, so a root is interchangeable
 * with {@code secret:///embed?root=ROOT}. Ephemeral secrets stay in memory.
 *
 * <p>
 * Every public operation asks the {@link AccessPolicy} for libvirt's permission, for the
 * caller the {@link CallerSupplier} names: lookup and list {@code secret.getattr} (list
 * also {@code connect.search_secrets}), {@link #xml} {@code secret.read},
 * {@link #getValue} {@code secret.read_secure}, {@link #define} and {@link #setValue}
 * {@code secret.write} (plus {@code secret.save} for persistent secrets),
 * {@link #undefine} {@code secret.delete}. Values of {@code private='yes'} secrets are
 * never returned by {@link #getValue}; only {@link #secretValue(UUID)}, the
 * driver-internal path a domain's disk encryption uses, reads them. That path is not
 * checked against the policy: the domain operation that needs the secret was.
 */
public final class EmbeddedSecretDriver implements SecretDriver {

	private static final System.Logger logger = System.getLogger(EmbeddedSecretDriver.class.getName());

	private static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

	private final Path directory;

	private final AccessPolicy policy;

	private final CallerSupplier callers;

	private final String endpoint;

	private final Map<UUID, SecretDefinition> secrets = new HashMap<>();

	/** Values of ephemeral secrets: never on disk. */
	private final Map<UUID, byte[]> ephemeralValues = new HashMap<>();

	/** Opens the secrets of {@code root/etc/secrets} (created when missing). */
	public EmbeddedSecretDriver(Path root, AccessPolicy policy, CallerSupplier callers) {
		this(root, policy, callers, "embedded");
	}

	/**
	 * As {@link #EmbeddedSecretDriver(Path, AccessPolicy, CallerSupplier)}, reporting
	 * {@code endpoint} as its endpoint.
	 */
	public EmbeddedSecretDriver(Path root, AccessPolicy policy, CallerSupplier callers, String endpoint) {
		Objects.requireNonNull(root, "root");
		this.policy = Objects.requireNonNull(policy,
				"policy (an embedded secret driver cannot be opened without an access policy)");
		this.callers = Objects.requireNonNull(callers, "callers");
		this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
		this.directory = root.toAbsolutePath().resolve("etc").resolve("secrets");
		createDirectory();
		load();
	}

	/** {@code ROOT/etc/secrets}. */
	public Path directory() {
		return this.directory;
	}

	@Override
	public String endpoint() {
		return this.endpoint;
	}

	@Override
	public void ping() {
		if (!Files.isDirectory(this.directory)) {
			throw new SecondaryDriverException("The embedded secret directory " + this.directory + " is gone");
		}
	}

	// public API: checked by the policy

	/**
	 * Defines (or redefines) a secret from libvirt XML; needs {@code secret.write} (and
	 * {@code secret.save} if persistent).
	 */
	public SecretDefinition define(String xml) {
		return define(SecretDefinition.parse(xml));
	}

	public synchronized SecretDefinition define(SecretDefinition definition) {
		check(Permission.SECRET_WRITE, definition.uuid());
		if (!definition.ephemeral()) {
			check(Permission.SECRET_SAVE, definition.uuid());
		}
		SecretDefinition existing = this.secrets.get(definition.uuid());
		if (existing != null) {
			if (!existing.usageId().equals(definition.usageId())) {
				throw new SecondaryDriverException(ErrorCode.INVALID_SECRET, "a secret with UUID " + definition.uuid()
						+ " is already defined for use with " + existing.describeUsage());
			}
			if (existing.isPrivate() && !definition.isPrivate()) {
				throw new SecondaryDriverException(ErrorCode.INVALID_SECRET,
						"cannot change the private flag of secret " + definition.uuid() + " from yes to no");
			}
		}
		else if (definition.usageType() != SecretUsageType.NONE) {
			this.secrets.values()
				.stream()
				.filter((other) -> other.usageType() == definition.usageType()
						&& other.usageId().equals(definition.usageId()))
				.findFirst()
				.ifPresent((other) -> {
					throw new SecondaryDriverException(ErrorCode.INVALID_SECRET, "a secret with UUID " + other.uuid()
							+ " is already defined for use with " + definition.describeUsage());
				});
		}
		if (definition.ephemeral()) {
			if (existing != null && !existing.ephemeral()) {
				// moving a value from disk to memory only
				Optional<byte[]> value = readValueFile(definition.uuid());
				value.ifPresent((v) -> this.ephemeralValues.put(definition.uuid(), v));
				deleteFiles(definition.uuid());
			}
		}
		else {
			writeAtomically(xmlFile(definition.uuid()), definition.toXml().getBytes(StandardCharsets.UTF_8));
			byte[] memory = this.ephemeralValues.remove(definition.uuid());
			if (memory != null) {
				writeValueFile(definition.uuid(), memory);
				Arrays.fill(memory, (byte) 0);
			}
		}
		this.secrets.put(definition.uuid(), definition);
		return definition;
	}

	/** The definition; needs {@code secret.getattr}. */
	public synchronized Optional<SecretDefinition> lookup(UUID uuid) {
		check(Permission.SECRET_GETATTR, uuid);
		return Optional.ofNullable(this.secrets.get(uuid));
	}

	/** The secret for a usage (e.g. a volume path); needs {@code secret.getattr}. */
	public synchronized Optional<SecretDefinition> lookupByUsage(SecretUsageType type, String usageId) {
		Optional<SecretDefinition> found = this.secrets.values()
			.stream()
			.filter((s) -> s.usageType() == type && s.usageId().equals(Optional.of(usageId)))
			.findFirst();
		found.ifPresent((s) -> check(Permission.SECRET_GETATTR, s.uuid()));
		return found;
	}

	/** The definition as libvirt XML; needs {@code secret.read}. */
	public synchronized String xml(UUID uuid) {
		check(Permission.SECRET_READ, uuid);
		return require(uuid).toXml();
	}

	/**
	 * The secrets the caller may see: needs {@code connect.search_secrets}; secrets
	 * without {@code secret.getattr} for the caller are left out, as libvirt filters its
	 * lists.
	 */
	public synchronized List<SecretDefinition> list() {
		this.check(AccessRequest.connect(Permission.CONNECT_SEARCH_SECRETS, this.callers.currentCaller()));
		return this.secrets.values()
			.stream()
			.filter((s) -> this.policy.isAllowed(request(Permission.SECRET_GETATTR, s.uuid())))
			.sorted(Comparator.comparing(SecretDefinition::uuid))
			.toList();
	}

	/**
	 * Sets the value (stored base64 in {@code UUID.base64}, mode 0600); needs
	 * {@code secret.write}.
	 */
	public synchronized void setValue(UUID uuid, byte[] value) {
		check(Permission.SECRET_WRITE, uuid);
		SecretDefinition definition = require(uuid);
		if (definition.ephemeral()) {
			byte[] old = this.ephemeralValues.put(uuid, value.clone());
			if (old != null) {
				Arrays.fill(old, (byte) 0);
			}
		}
		else {
			writeValueFile(uuid, value);
		}
	}

	/**
	 * The value, for callers; needs {@code secret.read_secure}. A {@code private='yes'}
	 * secret is refused with {@link PrivateSecretException} whatever the policy says, as
	 * in libvirt.
	 */
	public synchronized byte[] getValue(UUID uuid) {
		check(Permission.SECRET_READ_SECURE, uuid);
		SecretDefinition definition = require(uuid);
		if (definition.isPrivate()) {
			throw new PrivateSecretException("secret " + uuid + " is private: its value is only used by the driver "
					+ "itself (e.g. for disk encryption) and never returned", null);
		}
		return value(definition);
	}

	/** Removes the secret and its value; needs {@code secret.delete}. */
	public synchronized void undefine(UUID uuid) {
		check(Permission.SECRET_DELETE, uuid);
		SecretDefinition definition = require(uuid);
		if (!definition.ephemeral()) {
			deleteFiles(uuid);
		}
		byte[] memory = this.ephemeralValues.remove(uuid);
		if (memory != null) {
			Arrays.fill(memory, (byte) 0);
		}
		this.secrets.remove(uuid);
	}

	// driver-internal

	/**
	 * The value for the driver's own use (a LUKS passphrase handed to QEMU), private
	 * secrets included. Not checked by the policy: the domain operation that needs it
	 * was.
	 */
	@Override
	public synchronized byte[] secretValue(UUID uuid) {
		SecretDefinition definition = this.secrets.get(uuid);
		if (definition == null) {
			throw notFound(uuid);
		}
		return value(definition);
	}

	private byte[] value(SecretDefinition definition) {
		Optional<byte[]> value = definition.ephemeral()
				? Optional.ofNullable(this.ephemeralValues.get(definition.uuid())).map(byte[]::clone)
				: readValueFile(definition.uuid());
		return value.orElseThrow(() -> new SecondaryDriverException(ErrorCode.NO_SECRET,
				"secret " + definition.uuid() + " has no value; set one first"));
	}

	private SecretDefinition require(UUID uuid) {
		SecretDefinition definition = this.secrets.get(uuid);
		if (definition == null) {
			throw notFound(uuid);
		}
		return definition;
	}

	private SecondaryDriverException notFound(UUID uuid) {
		return new SecondaryDriverException(ErrorCode.NO_SECRET,
				"no secret with UUID " + uuid + " in the embedded secret driver (" + this.directory + ")");
	}

	private AccessRequest request(Permission permission, UUID uuid) {
		return AccessRequest.object(permission, uuid.toString(), this.callers.currentCaller());
	}

	private void check(Permission permission, UUID uuid) {
		check(request(permission, uuid));
	}

	private void check(AccessRequest request) {
		if (!this.policy.isAllowed(request)) {
			throw new AccessDeniedException(request);
		}
	}

	// files

	private Path xmlFile(UUID uuid) {
		return this.directory.resolve(uuid + ".xml");
	}

	private Path valueFile(UUID uuid) {
		return this.directory.resolve(uuid + ".base64");
	}

	private void createDirectory() {
		try {
			Files.createDirectories(this.directory.getParent());
			if (!Files.isDirectory(this.directory)) {
				Files.createDirectory(this.directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
			}
			// also when it existed: secrets must not sit in a directory others can list
			Files.setPosixFilePermissions(this.directory, DIRECTORY_MODE);
		}
		catch (IOException ex) {
			throw new SecondaryDriverException(
					"Cannot create the embedded secret directory " + this.directory + ": " + ex.getMessage(), ex);
		}
	}

	private void load() {
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.directory, "*.xml")) {
			for (Path file : files) {
				loadOne(file);
			}
		}
		catch (IOException ex) {
			throw new SecondaryDriverException(
					"Cannot read the embedded secret directory " + this.directory + ": " + ex.getMessage(), ex);
		}
	}

	private void loadOne(Path file) {
		String name = file.getFileName().toString();
		try {
			SecretDefinition definition = SecretDefinition.parse(Files.readString(file));
			if (!name.equals(definition.uuid() + ".xml")) {
				logger.log(Level.WARNING, "Ignoring secret file {0}: its UUID is {1}", file, definition.uuid());
				return;
			}
			this.secrets.put(definition.uuid(), definition);
		}
		catch (IOException | QemuEmbedException ex) {
			// like libvirt: one bad file does not stop the driver
			logger.log(Level.WARNING, "Ignoring unreadable secret file {0}: {1}", file, ex.getMessage());
		}
	}

	private Optional<byte[]> readValueFile(UUID uuid) {
		byte[] encoded;
		try {
			encoded = Files.readAllBytes(valueFile(uuid));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot read the value of secret " + uuid, ex);
		}
		try {
			return Optional.of(Base64.getMimeDecoder().decode(encoded));
		}
		catch (IllegalArgumentException ex) {
			throw new SecondaryDriverException(ErrorCode.INVALID_SECRET,
					"the value file of secret " + uuid + " is not valid base64");
		}
		finally {
			Arrays.fill(encoded, (byte) 0);
		}
	}

	private void writeValueFile(UUID uuid, byte[] value) {
		byte[] encoded = Base64.getEncoder().encode(value);
		try {
			writeAtomically(valueFile(uuid), encoded);
		}
		finally {
			Arrays.fill(encoded, (byte) 0);
		}
	}

	private void deleteFiles(UUID uuid) {
		try {
			Files.deleteIfExists(valueFile(uuid));
			Files.deleteIfExists(xmlFile(uuid));
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot delete the files of secret " + uuid, ex);
		}
	}

	/**
	 * Temp file (owner-only from the start), fsync, rename over the target: readers never
	 * see half a file.
	 */
	private void writeAtomically(Path target, byte[] content) {
		AtomicFiles.write(target, content, FILE_MODE);
	}

	/** Forgets the in-memory values of ephemeral secrets. */
	@Override
	public synchronized void close() {
		this.ephemeralValues.values().forEach((v) -> Arrays.fill(v, (byte) 0));
		this.ephemeralValues.clear();
	}

	@Override
	public String toString() {
		return "EmbeddedSecretDriver[" + this.directory + "]";
	}

}
