package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.internal.command.RunContext;
import io.github.qemuembed.driver.internal.xml.Disk;
import io.github.qemuembed.driver.internal.xml.DiskType;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainRequirements;
import io.github.qemuembed.driver.internal.xml.DomainType;
import io.github.qemuembed.driver.internal.xml.Graphics;
import io.github.qemuembed.driver.internal.xml.InterfaceType;
import io.github.qemuembed.driver.internal.xml.NetInterface;
import io.github.qemuembed.driver.internal.xml.Requirement;
import io.github.qemuembed.driver.internal.xml.SecondaryKind;
import io.github.qemuembed.driver.secondary.NetworkPort;
import io.github.qemuembed.driver.secondary.NetworkPortRequest;
import io.github.qemuembed.driver.secondary.SecondaryDriver;
import io.github.qemuembed.driver.secondary.SecondaryDrivers;

/**
 * Connects a definition to the secondary drivers: at define time, refuses a domain that
 * needs a driver that is not configured; at start, asks the drivers for volume paths,
 * bridges and secret values and puts them into the {@link RunContext} (secret values only
 * as owner-only files in the private directory, never in argv or logs).
 */
final class SecondaryResolver {

	private SecondaryResolver() {
	}

	/**
	 * Refuses a definition whose requirements name a secondary driver that is not
	 * configured.
	 */
	static void checkConfigured(DriverContext context, DomainDefinition definition) {
		SecondaryDrivers drivers = context.config().secondary();
		for (Requirement requirement : DomainRequirements.of(definition)) {
			if (driver(drivers, requirement.kind()).isEmpty()) {
				throw notConfigured(requirement);
			}
		}
	}

	/**
	 * A resolved run: the context for the command builder, and the network ports to
	 * release at stop.
	 */
	record Resolved(RunContext context, List<NetworkPort> ports) {
	}

	/**
	 * Resolves every secondary fact of a run. If one fails, the ports already reserved
	 * are released before the error goes up.
	 */
	static Resolved resolve(DriverContext context, DomainDefinition definition, Path privateDir, Path monitorSocket,
			Path pidFile, Path log) {
		List<NetworkPort> ports = new ArrayList<>();
		try {
			return new Resolved(resolve(context, definition, privateDir, monitorSocket, pidFile, log, ports),
					List.copyOf(ports));
		}
		catch (RuntimeException ex) {
			release(context, ports);
			throw ex;
		}
	}

	/**
	 * Releases network ports reserved for a run; failures are logged, never thrown (the
	 * VM is gone anyway).
	 */
	static void release(DriverContext context, List<NetworkPort> ports) {
		for (NetworkPort port : ports) {
			if (!port.reserved()) {
				continue;
			}
			try {
				context.config().secondary().network().ifPresent((network) -> network.deletePort(port));
			}
			catch (RuntimeException ex) {
				System.getLogger(SecondaryResolver.class.getName())
					.log(System.Logger.Level.WARNING, "Could not release network port " + port.uuid().orElse(null)
							+ " on network '" + port.network() + "': " + ex.getMessage());
			}
		}
	}

	private static RunContext resolve(DriverContext context, DomainDefinition definition, Path privateDir,
			Path monitorSocket, Path pidFile, Path log, List<NetworkPort> ports) {
		checkConfigured(context, definition);
		SecondaryDrivers drivers = context.config().secondary();
		// <domain type='qemu'> means emulation (TCG) whatever the host offers, as in
		// libvirt; type='kvm' runs
		// with the driver's accelerator (KVM unless the driver was configured or forced
		// to TCG)
		Accel accel = (definition.type() == DomainType.QEMU) ? Accel.TCG : context.accel();
		RunContext run = new RunContext(accel, context.capabilities().emulator(), privateDir, monitorSocket, pidFile,
				log, Map.of(), Map.of(), Map.of(), Optional.empty());
		List<Disk> disks = definition.devices().disks();
		for (int i = 0; i < disks.size(); i++) {
			Disk disk = disks.get(i);
			String path = "/domain/devices/disk[" + (i + 1) + "]";
			if (disk.type() == DiskType.VOLUME && disk.source().isPresent()) {
				String pool = disk.source().get().pool().orElseThrow();
				String volume = disk.source().get().volume().orElseThrow();
				String volumePath = call(path, "<disk type='volume'>", "storage",
						() -> drivers.storage().orElseThrow().volumePath(pool, volume));
				run = run.withVolume(pool, volume, Path.of(volumePath));
			}
			if (disk.encryption().isPresent()) {
				UUID uuid = disk.encryption().get().secret();
				byte[] value = call(path + "/encryption", "<encryption>", "secret",
						() -> drivers.secret().orElseThrow().secretValue(uuid));
				run = run.withSecretFile(uuid, writeSecret(privateDir.resolve("secret-" + uuid), value));
			}
		}
		List<NetInterface> interfaces = definition.devices().interfaces();
		for (int i = 0; i < interfaces.size(); i++) {
			NetInterface nic = interfaces.get(i);
			if (nic.type() == InterfaceType.NETWORK && nic.source().isPresent()) {
				String network = nic.source().get();
				NetworkPortRequest request = new NetworkPortRequest(definition.name(), definition.uuid(), nic.mac());
				// a port reserved in the network driver (where it supports ports) tells
				// the bridge too
				NetworkPort port = call("/domain/devices/interface[" + (i + 1) + "]", "<interface type='network'>",
						"network", () -> drivers.network().orElseThrow().createPort(network, request));
				ports.add(port);
				run = run.withBridge(network, port.bridge());
			}
		}
		for (Graphics graphics : definition.devices().graphics()) {
			if (graphics.passwd().isPresent()) {
				run = run.withVncPasswordFile(writeSecret(privateDir.resolve("vnc-password"),
						graphics.passwd().get().getBytes(StandardCharsets.UTF_8)));
			}
		}
		return run;
	}

	private static Optional<? extends SecondaryDriver> driver(SecondaryDrivers drivers, SecondaryKind kind) {
		return switch (kind) {
			case NETWORK -> drivers.network();
			case STORAGE -> drivers.storage();
			case SECRET -> drivers.secret();
		};
	}

	private static SecondaryDriverException notConfigured(Requirement requirement) {
		String kind = requirement.kind().driverName();
		return new SecondaryDriverException(requirement.element() + " at " + requirement.path() + " needs the " + kind
				+ " driver, and none is configured: give DriverConfig.secondary(...) a " + kind + " driver ("
				+ ((requirement.kind() != SecondaryKind.NETWORK)
						? "SecondaryDriverFactory." + kind + "Driver with a libvirt URI such as " + kind
								+ ":///system, or embedded)"
						: "SecondaryDriverFactory.networkDriver with a libvirt URI such as network:///system)"));
	}

	private static <T> T call(String path, String element, String kind, Supplier<T> call) {
		try {
			return call.get();
		}
		catch (SecondaryDriverException ex) {
			// the driver's own code is kept: a missing volume stays NO_STORAGE_VOL, not a
			// connection problem
			throw new SecondaryDriverException(ex.code(), element + " at " + path + ": the " + kind + " driver failed: "
					+ ex.getMessage() + " (check the " + kind + " driver given to DriverConfig.secondary)", ex);
		}
	}

	private static Path writeSecret(Path file, byte[] value) {
		try {
			Files.deleteIfExists(file);
			Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Files.write(file, value, StandardOpenOption.TRUNCATE_EXISTING);
			return file;
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot write a secret file in " + file.getParent(), ex);
		}
		finally {
			Arrays.fill(value, (byte) 0);
		}
	}

}
