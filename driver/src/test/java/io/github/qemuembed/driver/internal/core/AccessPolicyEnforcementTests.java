package io.github.qemuembed.driver.internal.core;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import io.github.qemuembed.driver.DeviceFlag;
import io.github.qemuembed.driver.Domain;
import io.github.qemuembed.driver.DomainEventListener;
import io.github.qemuembed.driver.DomainListFilter;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.DriverConfig;
import io.github.qemuembed.driver.GuestlessDomains;
import io.github.qemuembed.driver.QemuDriver;
import io.github.qemuembed.driver.ShutdownMode;
import io.github.qemuembed.driver.access.AccessPolicy;
import io.github.qemuembed.driver.access.AccessRequest;
import io.github.qemuembed.driver.access.Caller;
import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.agent.GuestExec;
import io.github.qemuembed.driver.error.AccessDeniedException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/** Every public operation passes the access policy. */
class AccessPolicyEnforcementTests {

	@Test
	void everyPublicMethodButCloseIsRefusedUnderDenyAll() throws Exception {
		AtomicReference<AccessPolicy> policy = new AtomicReference<>(AccessPolicy.allowAll());
		Path root = GuestlessDomains.newRoot();
		UUID uuid = UUID.randomUUID();
		DriverConfig config = DriverConfig.builder(root)
			.accessPolicy((request) -> policy.get().isAllowed(request))
			.build();
		try (QemuDriver driver = QemuDriver.open(config)) {
			Domain domain = driver.define(GuestlessDomains.xml("guarded", uuid));
			domain.start();
			// restore(file) reads the image before it knows which domain to ask about:
			// give it a real one
			Domain saved = driver.define(GuestlessDomains.xml("saved"));
			saved.start();
			saved.save(savedFile(root));
			policy.set(AccessPolicy.denyAll());
			List<String> checked = new ArrayList<>();
			for (Method method : publicMethods(QemuDriver.class)) {
				if (!method.getName().equals("close")) {
					assertRefused(driver, method, uuid, root);
					checked.add("QemuDriver." + method.getName());
				}
			}
			for (Method method : publicMethods(Domain.class)) {
				if (!method.getName().equals("guest")) {
					assertRefused(domain, method, uuid, root);
					checked.add("Domain." + method.getName());
				}
			}
			// guest() hands out the agent; each of its calls asks the policy itself
			GuestAgent agent = domain.guest();
			for (Method method : publicMethods(GuestAgent.class)) {
				if (!method.getName().equals("timeout") && !method.getName().equals("withTimeout")) {
					assertRefused(agent, method, uuid, root);
					checked.add("GuestAgent." + method.getName());
				}
			}
			assertThat(checked).contains("QemuDriver.define", "QemuDriver.list", "Domain.start", "Domain.destroy",
					"Domain.qmp", "Domain.openConsole", "Domain.xml", "Domain.shutdown", "GuestAgent.exec",
					"GuestAgent.copyIn", "GuestAgent.fsFreeze", "GuestAgent.networkInterfaces", "QemuDriver.restore",
					"Domain.save", "Domain.managedSave", "Domain.managedSaveRemove", "Domain.hasManagedSaveImage",
					"Domain.createSnapshot", "Domain.revertToSnapshot", "Domain.deleteSnapshot", "Domain.snapshots",
					"Domain.snapshotXml", "Domain.attachDevice", "Domain.detachDevice");
			policy.set(AccessPolicy.allowAll());
			assertThat(domain.status().isActive()).as("nothing was done while denied").isTrue();
			domain.destroy();
		}
		finally {
			GuestlessDomains.deleteTree(root);
		}
	}

	@Test
	void listShowsOnlyDomainsTheCallerMayGetattrAndDenialNamesPermissionAndDomain() throws Exception {
		Path root = GuestlessDomains.newRoot();
		AccessPolicy policy = (request) -> request.permission() != Permission.DOMAIN_GETATTR
				|| request.domain().map((d) -> d.name().startsWith("mine-")).orElse(true);
		DriverConfig config = DriverConfig.builder(root)
			.accessPolicy(policy)
			.callerSupplier(() -> Optional.of(Caller.of("alice", "ROLE_USER")))
			.build();
		try (QemuDriver driver = QemuDriver.open(config)) {
			driver.define(GuestlessDomains.xml("mine-1"));
			driver.define(GuestlessDomains.xml("theirs-1"));
			assertThat(driver.list(DomainListFilter.ALL)).hasSize(1);
			assertThatExceptionOfType(AccessDeniedException.class).isThrownBy(() -> driver.lookup("theirs-1"))
				.withMessageContaining("domain.getattr")
				.withMessageContaining("'theirs-1'")
				.withMessageContaining("'alice'")
				.satisfies((ex) -> assertThat(ex.request().caller()).hasValue(Caller.of("alice", "ROLE_USER")));
		}
		finally {
			GuestlessDomains.deleteTree(root);
		}
	}

	private static List<Method> publicMethods(Class<?> type) {
		List<Method> methods = new ArrayList<>();
		for (Method method : type.getMethods()) {
			if (!Modifier.isStatic(method.getModifiers()) && method.getDeclaringClass() != Object.class) {
				methods.add(method);
			}
		}
		return methods;
	}

	private static void assertRefused(Object target, Method method, UUID uuid, Path root) throws Exception {
		Object[] args = new Object[method.getParameterCount()];
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			args[i] = argument(method, types[i], uuid, root);
		}
		try {
			method.invoke(target, args);
			fail(method + " was allowed under denyAll()");
		}
		catch (InvocationTargetException ex) {
			assertThat(ex.getCause()).as(method.toString()).isInstanceOf(AccessDeniedException.class);
		}
	}

	private static Path savedFile(Path root) {
		return root.resolve("saved.save");
	}

	private static Object argument(Method method, Class<?> type, UUID uuid, Path root) {
		if (type == Path.class) {
			// a real save image for restore(file); the other methods taking a path are
			// refused before using it
			return savedFile(root);
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
		if (type == String.class) {
			return switch (method.getName()) {
				case "define", "createTransient" -> GuestlessDomains.xml("guarded", uuid);
				case "qmp" -> "{\"execute\":\"query-status\"}";
				default -> "guarded";
			};
		}
		if (type == UUID.class) {
			return uuid;
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
		if (type == AccessRequest.class) {
			return null;
		}
		if (type == ShutdownMode.class) {
			return ShutdownMode.GUEST_AGENT;
		}
		if (type == GuestExec.class) {
			return GuestExec.of("/bin/true");
		}
		if (type == InputStream.class) {
			return InputStream.nullInputStream();
		}
		if (type == OutputStream.class) {
			return OutputStream.nullOutputStream();
		}
		throw new IllegalStateException("No test argument for " + type + " of " + method);
	}

}
