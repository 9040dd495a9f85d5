package io.github.qemuembed.driver.internal.core;

import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.driver.internal.command.RunContext;
import io.github.qemuembed.driver.error.HostNetworkException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.hostnet.HostTaps;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.InterfaceType;
import io.github.qemuembed.driver.internal.xml.NetInterface;

/**
 * The host taps of a run's NICs when the driver runs as root: created before QEMU starts
 * (bridge and network NICs on their bridge, ethernet NICs alone), named in the live
 * definition's {@code <target dev>} so that QEMU attaches to them by name, and deleted
 * after QEMU has gone. Without root, bridge and network NICs go through
 * qemu-bridge-helper, and ethernet NICs use the tap the host prepared, as before.
 */
final class RunTaps {

	private static final System.Logger logger = System.getLogger(RunTaps.class.getName());

	/** The device vhost-net NICs need ({@code <driver name='vhost'>}). */
	static final Path VHOST_NET = Path.of("/dev/vhost-net");

	private RunTaps() {
	}

	/**
	 * The live definition (taps named) and the taps this run created, to delete when it
	 * ends.
	 */
	record Prepared(DomainDefinition definition, List<String> created) {
	}

	static Prepared create(DomainDefinition definition, RunContext context) {
		List<NetInterface> nics = new ArrayList<>(definition.devices().interfaces());
		boolean root = HostTaps.canCreate();
		List<String> created = new ArrayList<>();
		try {
			for (int i = 0; i < nics.size(); i++) {
				NetInterface nic = nics.get(i);
				String path = "/domain/devices/interface[" + (i + 1) + "]";
				Optional<String> bridge = switch (nic.type()) {
					case BRIDGE -> nic.source();
					case NETWORK -> Optional.ofNullable(context.bridges().get(nic.source().orElseThrow()));
					case USER, ETHERNET -> Optional.empty();
				};
				if (nic.type() == InterfaceType.USER || (nic.type() != InterfaceType.ETHERNET && bridge.isEmpty())) {
					// user networking has no tap; an unresolved network fails in the
					// command builder with its name
					continue;
				}
				checkVhost(nic, path, VHOST_NET);
				if (!root) {
					if (nic.type() != InterfaceType.ETHERNET && nic.targetDev().isPresent()) {
						throw new UnsupportedConfigurationException(path + "/target/@dev",
								"<target dev> names the "
										+ "tap the driver creates on the bridge, which needs root; without root "
										+ "qemu-bridge-helper creates and names the tap: remove <target dev>");
					}
					continue;
				}
				if (nic.type() == InterfaceType.ETHERNET && nic.targetDev().map(HostTaps::exists).orElse(false)) {
					// a tap the host prepared: used as it is, and left to its owner
					continue;
				}
				if (nic.targetDev().map(HostTaps::exists).orElse(false)) {
					throw new HostNetworkException(nic.targetDev().get(),
							path + "/target/@dev: a network interface " + "named '" + nic.targetDev().get()
									+ "' exists already; remove <target dev> to let the "
									+ "driver name the tap, or choose a free name");
				}
				String what = path + ((bridge.isPresent()) ? " (bridge '" + bridge.get() + "')" : "");
				String tap = HostTaps.create(
						new HostTaps.Request(nic.targetDev(), nic.mac(), nic.mtu(), bridge, nic.multiQueue()), what);
				created.add(tap);
				nics.set(i, nic.withTargetDev(tap));
			}
		}
		catch (RuntimeException ex) {
			delete(created);
			throw ex;
		}
		if (created.isEmpty()) {
			return new Prepared(definition, List.of());
		}
		return new Prepared(definition.withDevices(definition.devices().withInterfaces(nics)), List.copyOf(created));
	}

	/**
	 * A NIC asking for vhost-net ({@code <driver name='vhost'>}) needs the host's
	 * {@code vhostNet} device: QEMU would fail on it with a less helpful message.
	 */
	static void checkVhost(NetInterface nic, String path, Path vhostNet) {
		if (nic.driverName().filter("vhost"::equals).isPresent() && !Files.exists(vhostNet)) {
			throw new UnsupportedConfigurationException(path + "/driver/@name",
					"<driver name='vhost'> needs the host's " + vhostNet
							+ ", which this host lacks: load the vhost_net kernel module (modprobe vhost_net), "
							+ "or write name='qemu' to have QEMU move the packets");
		}
	}

	/** The bridges of NICs without a driver-made tap: those qemu-bridge-helper opens. */
	static List<String> helperBridges(DomainDefinition definition, RunContext context) {
		List<String> bridges = new ArrayList<>();
		for (NetInterface nic : definition.devices().interfaces()) {
			if (nic.targetDev().isEmpty() && nic.type() == InterfaceType.BRIDGE) {
				bridges.add(nic.source().orElseThrow());
			}
			else if (nic.targetDev().isEmpty() && nic.type() == InterfaceType.NETWORK) {
				Optional.ofNullable(context.bridges().get(nic.source().orElseThrow())).ifPresent(bridges::add);
			}
		}
		return List.copyOf(bridges);
	}

	/**
	 * What to change when qemu-bridge-helper refused a bridge ("access denied by acl
	 * file"): the exact lines for {@code /etc/qemu/bridge.conf}, or running as root.
	 * Empty for any other failure.
	 */
	static String bridgeHelperHint(String qemuOutput, List<String> bridges) {
		if (!qemuOutput.contains("access denied by acl file") && !qemuOutput.contains("failed to parse default acl")) {
			return "";
		}
		String lines = bridges.isEmpty() ? "'allow BRIDGE'"
				: String.join(" and ", bridges.stream().map((b) -> "'allow " + b + "'").toList());
		return ". qemu-bridge-helper refused the bridge: add the line " + lines + " to /etc/qemu/bridge.conf (as "
				+ "root, one line per bridge), or run the driver as root, which then creates the taps itself";
	}

	/**
	 * Deletes taps a run created; failures are logged, never thrown (the VM is gone
	 * anyway).
	 */
	static void delete(List<String> taps) {
		if (taps == null) {
			return;
		}
		for (String tap : taps) {
			try {
				HostTaps.delete(tap);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Could not delete tap '" + tap + "': " + ex.getMessage());
			}
		}
	}

}
