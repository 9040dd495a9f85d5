package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.github.qemuembed.driver.DeviceFlag;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainEventListener;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.ShutdownMode;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.CallerSupplier;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.internal.fs.FileTrees;
import io.github.qemuembed.driver.secondary.embedded.EmbeddedSecretDriver;
import io.github.qemuembed.driver.secondary.embedded.SecretDefinition;
import io.github.qemuembed.driver.secondary.embedded.SecretUsageType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Walks the public API ({@link QemuDriver}, {@link Domain} and the embedded secret
 * driver, by reflection, as {@link AccessPolicyEnforcementTests} does) while the root's
 * file systems fail for real: full, read-only, directories deleted under the open driver.
 * Whatever a method does, it either succeeds or fails with a {@link QemuEmbedException}
 * that carries an {@code ErrorCode} and a message: never an {@link UncheckedIOException},
 * a {@link NullPointerException} or another untyped exception. Afterwards the root
 * reopens and works. The file systems are small tmpfs mounts of their own (the tests run
 * as root, whom permissions and bind mounts would not stop: a read-only mount does).
 */
class PublicApiIoFailureTests {

	/** Methods that end a domain's life or the walk's subject go last, in this order. */
	private static final List<String> LAST = List.of("shutdown", "destroy", "managedSaveRemove", "undefine");

	private final List<Path> mounts = new ArrayList<>();

	private final AtomicInteger names = new AtomicInteger();

	private Path base;

	private Path root;

	private QemuDriver driver;

	@BeforeEach
	void mountRoot() throws Exception {
		assertThat(new ProcessBuilder("id", "-u").start().inputReader().readLine()).as("the tests run as root")
			.isEqualTo("0");
		this.base = GuestlessDomains.newRoot();
		mount(this.base, "512k");
		this.root = this.base.resolve("r");
	}

	@AfterEach
	void unmount() throws Exception {
		try {
			if (this.driver != null && this.driver.isOpen()) {
				for (Domain domain : this.driver.list(DomainListFilter.ACTIVE)) {
					domain.destroy();
				}
				this.driver.close();
			}
		}
		finally {
			for (int i = this.mounts.size() - 1; i >= 0; i--) {
				run("umount", "-l", this.mounts.get(i).toString());
			}
			FileTrees.delete(this.base);
		}
		assertThat(qemuUnder(this.base)).isEmpty();
	}

	@Test
	void aFullFileSystemFailsEveryMethodTypedAndTheRootReopensOnceSpaceIsFree() throws Exception {
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root).build());
		Domain running = this.driver.define(GuestlessDomains.xml("running"));
		running.start();
		Domain off = this.driver.define(GuestlessDomains.xml("off"));
		Path filler = fill(this.base);
		walkPublicApi(running, off);
		Files.delete(filler);
		reopenAndCheck();
	}

	@Test
	void readOnlyFileSystemsFailEveryMethodTypedAndTheRootReopensOnceWritable() throws Exception {
		// the state directories are file systems of their own, so that they can be
		// remounted read-only under an open driver (a file system with a file open for
		// writing cannot be: run/ holds the root's lock and log/ the running QEMU's log,
		// so those two stay writable)
		List<Path> readOnly = new ArrayList<>();
		for (String dir : List.of("etc", "lib", "cache")) {
			Path path = Files.createDirectories(this.root.resolve(dir));
			mount(path, "256k");
			readOnly.add(path);
		}
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root).build());
		Domain running = this.driver.define(GuestlessDomains.xml("running"));
		running.start();
		Domain off = this.driver.define(GuestlessDomains.xml("off"));
		for (Path path : readOnly) {
			run("mount", "-o", "remount,ro", path.toString());
		}
		walkPublicApi(running, off);
		for (Path path : readOnly) {
			run("mount", "-o", "remount,rw", path.toString());
		}
		reopenAndCheck();
	}

	@Test
	void aReadOnlyRootFailsOpenTyped() throws Exception {
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root).build());
		this.driver.define(GuestlessDomains.xml("kept"));
		this.driver.close();
		run("mount", "-o", "remount,ro", this.base.toString());
		assertTyped("open", catchAny(() -> QemuDriver.open(GuestlessDomains.config(this.root).build())));
		assertTyped("open", catchAny(() -> QemuDriver.open(GuestlessDomains.config(this.base.resolve("new")).build())));
		run("mount", "-o", "remount,rw", this.base.toString());
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root).build());
		assertThat(this.driver.find("kept")).isPresent();
		reopenAndCheck();
	}

	@Test
	void directoriesDeletedUnderTheDriverFailEveryMethodTypedAndTheRootReopens() throws Exception {
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root).build());
		Domain running = this.driver.define(GuestlessDomains.xml("running"));
		running.start();
		Domain off = this.driver.define(GuestlessDomains.xml("off"));
		for (String dir : List.of("etc", "lib", "log", "cache")) {
			FileTrees.delete(this.root.resolve(dir));
		}
		walkPublicApi(running, off);
		this.driver.close();
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root).build());
		assertThat(this.driver.list(DomainListFilter.ACTIVE)).as("no domain runs after the walk's destroy").isEmpty();
		Domain again = this.driver.define(GuestlessDomains.xml("again"));
		assertThat(again.xml(false)).contains("<name>again</name>");
	}

	@Test
	void theEmbeddedSecretDriverFailsTypedOnAFullOrVanishedDirectoryAndKeepsItsSecrets() throws Exception {
		EmbeddedSecretDriver secrets = new EmbeddedSecretDriver(this.root, AccessPolicy.allowAll(),
				CallerSupplier.NONE);
		SecretDefinition kept = secrets.define(secretXml(UUID.randomUUID()));
		secrets.setValue(kept.uuid(), "s3cret".getBytes(StandardCharsets.UTF_8));
		// the walk's calls that take a UUID (undefine among them) go to another secret
		SecretDefinition walked = secrets.define(secretXml(UUID.randomUUID()));
		Path filler = fill(this.base);
		List<String> failed = walkSecrets(secrets, walked);
		assertThat(failed).as("the file system failed the writes").contains("define", "setValue");
		Files.delete(filler);
		EmbeddedSecretDriver reopened = new EmbeddedSecretDriver(this.root, AccessPolicy.allowAll(),
				CallerSupplier.NONE);
		assertThat(reopened.secretValue(kept.uuid())).asString(StandardCharsets.UTF_8).isEqualTo("s3cret");
		FileTrees.delete(this.root.resolve("etc"));
		failed = walkSecrets(reopened, walked);
		assertThat(failed).as("the directory is gone").contains("define", "setValue");
		SecretDefinition again = new EmbeddedSecretDriver(this.root, AccessPolicy.allowAll(), CallerSupplier.NONE)
			.define(secretXml(UUID.randomUUID()));
		assertThat(again.uuid()).isNotNull();
	}

	/** Calls every public method of an embedded secret driver; the names that failed. */
	private List<String> walkSecrets(EmbeddedSecretDriver secrets, SecretDefinition existing) {
		List<String> failed = new ArrayList<>();
		for (Method method : publicMethods(EmbeddedSecretDriver.class)) {
			if (method.getName().equals("close")) {
				continue;
			}
			Object[] args = new Object[method.getParameterCount()];
			Class<?>[] types = method.getParameterTypes();
			for (int i = 0; i < types.length; i++) {
				Class<?> type = types[i];
				if (type == String.class) {
					args[i] = method.getName().equals("define") ? secretXml(UUID.randomUUID()) : "/images/disk.qcow2";
				}
				else if (type == UUID.class) {
					args[i] = existing.uuid();
				}
				else if (type == SecretDefinition.class) {
					args[i] = SecretDefinition.forVolume(UUID.randomUUID(), "/images/other.qcow2", true);
				}
				else if (type == SecretUsageType.class) {
					args[i] = SecretUsageType.VOLUME;
				}
				else if (type == byte[].class) {
					args[i] = "n3w".getBytes(StandardCharsets.UTF_8);
				}
				else {
					throw new IllegalStateException("No test argument for " + type + " of " + method);
				}
			}
			if (!call(secrets, method, args)) {
				failed.add(method.getName());
			}
		}
		return failed;
	}

	private static String secretXml(UUID uuid) {
		return "<secret ephemeral='no' private='yes'><uuid>" + uuid + "</uuid><usage type='volume'><volume>/images/"
				+ uuid + ".qcow2</volume></usage></secret>";
	}

	/**
	 * Calls every public method of the driver and of both domains; a call may succeed,
	 * but a failure must be typed.
	 */
	private void walkPublicApi(Domain running, Domain off) {
		List<String> called = new ArrayList<>();
		List<String> failed = new ArrayList<>();
		for (Method method : publicMethods(QemuDriver.class)) {
			if (!method.getName().equals("close")) {
				if (!call(this.driver, method)) {
					failed.add("QemuDriver." + method.getName());
				}
				called.add("QemuDriver." + method.getName());
			}
		}
		for (Domain domain : List.of(off, running)) {
			for (Method method : publicMethods(Domain.class)) {
				if (!call(domain, method)) {
					failed.add("Domain." + method.getName());
				}
				called.add("Domain." + method.getName());
			}
		}
		assertThat(failed).as("the file system failed the writes").contains("QemuDriver.define", "Domain.save");
		assertThat(called).contains("QemuDriver.define", "QemuDriver.createTransient", "QemuDriver.restore",
				"Domain.start", "Domain.save", "Domain.managedSave", "Domain.createSnapshot", "Domain.attachDevice",
				"Domain.undefine");
	}

	/** Calls a method; whether it succeeded. */
	private boolean call(Object target, Method method) {
		Object[] args = new Object[method.getParameterCount()];
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			args[i] = argument(method, types[i]);
		}
		return call(target, method, args);
	}

	private boolean call(Object target, Method method, Object[] args) {
		Throwable failure = null;
		Object result = null;
		try {
			result = method.invoke(target, args);
		}
		catch (InvocationTargetException ex) {
			failure = ex.getCause();
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
		if (failure != null) {
			assertTyped(method.toString(), failure);
			return false;
		}
		if (result instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				assertTyped(method + " (closing what it returned)", ex);
			}
		}
		return true;
	}

	private Object argument(Method method, Class<?> type) {
		if (type == Path.class) {
			// restore reads it (it does not exist), save writes it
			return this.root.resolve("saved-" + this.names.incrementAndGet() + ".save");
		}
		if (type == String.class) {
			return switch (method.getName()) {
				case "define", "createTransient" -> GuestlessDomains.xml("new" + this.names.incrementAndGet());
				case "restore" -> GuestlessDomains.xml("restored");
				case "qmp" -> "{\"execute\":\"query-status\"}";
				case "createSnapshot" ->
					"<domainsnapshot><name>s" + this.names.incrementAndGet() + "</name></domainsnapshot>";
				case "attachDevice", "detachDevice" -> "<channel type='unix'><target type='virtio' name='org.test."
						+ this.names.incrementAndGet() + "'/></channel>";
				case "lookup", "find" -> "running";
				default -> "s1";
			};
		}
		if (type == DomainSnapshot.CreateFlag[].class) {
			return new DomainSnapshot.CreateFlag[0];
		}
		if (type == DomainSnapshot.DeleteFlag[].class) {
			return new DomainSnapshot.DeleteFlag[0];
		}
		if (type == DeviceFlag[].class) {
			return new DeviceFlag[] { DeviceFlag.LIVE };
		}
		if (type == UUID.class) {
			return UUID.randomUUID();
		}
		if (type == Duration.class) {
			return Duration.ofSeconds(1);
		}
		if (type == DomainListFilter.class) {
			return DomainListFilter.ALL;
		}
		if (type == DomainEventListener.class) {
			return (DomainEventListener) (event) -> {
			};
		}
		if (type == boolean.class) {
			return true;
		}
		if (type == ShutdownMode.class) {
			return ShutdownMode.ACPI_POWER_BUTTON;
		}
		throw new IllegalStateException("No test argument for " + type + " of " + method);
	}

	/**
	 * The driver, reopened on the same root: the persistent domains it had (the walk may
	 * have undefined some) are there with the same definitions, and it works.
	 */
	private void reopenAndCheck() {
		Map<String, String> persistent = new TreeMap<>();
		for (Domain domain : this.driver.list(DomainListFilter.ALL)) {
			if (domain.status().isActive()) {
				domain.destroy();
			}
			if (domain.isPersistent()) {
				persistent.put(domain.name(), domain.xml(false));
			}
		}
		this.driver.close();
		this.driver = QemuDriver.open(GuestlessDomains.config(this.root).build());
		assertThat(this.driver.loadProblems()).as("every definition still reads").isEmpty();
		Map<String, String> reopened = new TreeMap<>();
		this.driver.list(DomainListFilter.ALL).forEach((domain) -> reopened.put(domain.name(), domain.xml(false)));
		assertThat(reopened).isEqualTo(persistent);
		Domain fresh = this.driver.define(GuestlessDomains.xml("fresh"));
		fresh.start();
		assertThat(fresh.status().isActive()).isTrue();
		fresh.destroy();
	}

	private static List<Method> publicMethods(Class<?> type) {
		List<Method> methods = new ArrayList<>();
		for (Method method : type.getMethods()) {
			if (!Modifier.isStatic(method.getModifiers()) && method.getDeclaringClass() != Object.class) {
				methods.add(method);
			}
		}
		methods.sort(Comparator.comparing((Method m) -> LAST.indexOf(m.getName()))
			.thenComparing(Method::getName)
			.thenComparing(Method::toString));
		return methods;
	}

	private static void assertTyped(String what, Throwable failure) {
		assertThat(failure).as("%s failed with %s", what, failure).isInstanceOf(QemuEmbedException.class);
		assertThat(((QemuEmbedException) failure).code()).as(what).isNotNull();
		assertThat(failure.getMessage()).as(what).isNotBlank();
	}

	private static Throwable catchAny(Runnable call) {
		try {
			call.run();
			return null;
		}
		catch (RuntimeException ex) {
			return ex;
		}
	}

	/** Takes every free block of the file system with one file. */
	private static Path fill(Path mount) throws IOException {
		Path filler = mount.resolve("filler");
		byte[] block = new byte[4096];
		try (var out = Files.newOutputStream(filler)) {
			while (true) {
				out.write(block);
			}
		}
		catch (IOException ex) {
			assertThat(ex.getMessage()).contains("No space left on device");
		}
		return filler;
	}

	private void mount(Path path, String size) throws Exception {
		run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs", path.toString());
		this.mounts.add(path);
	}

	private static List<ProcessHandle> qemuUnder(Path root) {
		return ProcessHandle.allProcesses()
			.filter((p) -> p.info()
				.commandLine()
				.map((c) -> c.contains("qemu-system") && c.contains(root.toString()))
				.orElse(false))
			.toList();
	}

	private static void run(String... command) throws Exception {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes());
		assertThat(process.waitFor()).as(String.join(" ", command) + ": " + output).isZero();
	}

}
