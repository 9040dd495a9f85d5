package io.github.qemuembed.driver.internal.hostnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.github.qemuembed.driver.error.HostNetworkException;

/**
 * Host taps for NICs, created by the driver itself when it runs as root, as libvirt's
 * system driver does (no qemu-bridge-helper, no ACL file): a persistent tap with the
 * guest's MAC address but {@code fe} as its first byte (so that a bridge never takes the
 * guest's address as its own), the MTU asked for or else the bridge's, enslaved to the
 * bridge and up. QEMU then attaches to it by name. The tap stays until
 * {@link #delete(String)}: the driver deletes it when the domain stops, crashes, or is
 * found as a leftover of an earlier driver.
 */
public final class HostTaps {

	/**
	 * The name template of the taps the driver creates; the kernel fills in the number.
	 */
	public static final String NAME_TEMPLATE = "qetap%d";

	private HostTaps() {
	}

	/** What to create. */
	public record Request(Optional<String> name, String guestMac, Optional<Integer> mtu, Optional<String> bridge,
			boolean multiQueue) {
	}

	/**
	 * Whether this process may create taps: it runs as root and the host has
	 * {@code /dev/net/tun}.
	 */
	public static boolean canCreate() {
		try {
			Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
			return Integer.valueOf(0).equals(uid) && Files.exists(Path.of("/dev/net/tun"));
		}
		catch (IOException | UnsupportedOperationException ex) {
			return false;
		}
	}

	/** Whether a network interface of that name exists on the host. */
	public static boolean exists(String name) {
		return Files.exists(Path.of("/sys/class/net", name));
	}

	/** Whether {@code name} is an existing bridge. */
	public static boolean isBridge(String name) {
		return Files.isDirectory(Path.of("/sys/class/net", name, "bridge"));
	}

	/**
	 * Creates the tap and returns its name. If anything fails after the tap exists, it is
	 * deleted before the error goes up.
	 * @throws HostNetworkException naming the bridge or tap, and {@code what} (the
	 * element asking for it)
	 */
	public static String create(Request request, String what) {
		int mtu;
		if (request.bridge().isPresent()) {
			String bridge = request.bridge().get();
			if (!exists(bridge)) {
				throw new HostNetworkException(bridge,
						what + ": bridge '" + bridge + "' does not exist on this host; " + "create it (ip link add "
								+ bridge + " type bridge && ip link set " + bridge + " up) or name an "
								+ "existing bridge");
			}
			if (!isBridge(bridge)) {
				throw new HostNetworkException(bridge, what + ": '" + bridge + "' is a network interface but not a "
						+ "bridge; name a bridge (ip -d link show type bridge lists them)");
			}
			mtu = request.mtu().orElseGet(() -> mtuOf(bridge, what));
		}
		else {
			mtu = request.mtu().orElse(0);
		}
		String name = createPersistent(request.name().orElse(NAME_TEMPLATE), request.multiQueue(), what);
		try {
			configure(name, request, mtu, what);
			return name;
		}
		catch (RuntimeException ex) {
			delete(name);
			throw ex;
		}
	}

	/**
	 * Deletes a tap the driver created; one that is gone already is fine.
	 * @return whether a tap was deleted
	 * @throws HostNetworkException when the tap exists and cannot be deleted (still
	 * attached to a process)
	 */
	public static boolean delete(String name) {
		if (!exists(name)) {
			return false;
		}
		for (short flags : new short[] { (short) (NetIoctl.IFF_TAP | NetIoctl.IFF_NO_PI),
				(short) (NetIoctl.IFF_TAP | NetIoctl.IFF_NO_PI | NetIoctl.IFF_MULTI_QUEUE) }) {
			try {
				int fd = NetIoctl.openTun();
				try {
					byte[] ifreq = NetIoctl.ifreq(name);
					NetIoctl.putShort(ifreq, flags);
					NetIoctl.ioctl(fd, NetIoctl.TUNSETIFF, ifreq, "TUNSETIFF " + name);
					// not persistent any more: the tap goes when this last descriptor
					// closes
					NetIoctl.ioctlValue(fd, NetIoctl.TUNSETPERSIST, 0, "TUNSETPERSIST " + name);
				}
				finally {
					NetIoctl.libc().close(fd);
				}
				return true;
			}
			catch (NetIoctl.NativeException ex) {
				// EINVAL: the tap was created multi-queue (or not): try the other way
				if (ex.errno() != NetIoctl.EINVAL) {
					throw new HostNetworkException(name, "Cannot delete tap '" + name + "': " + ex.getMessage());
				}
			}
		}
		throw new HostNetworkException(name, "Cannot delete tap '" + name + "': it is not a tap this driver created");
	}

	private static String createPersistent(String name, boolean multiQueue, String what) {
		try {
			int fd = NetIoctl.openTun();
			try {
				byte[] ifreq = NetIoctl.ifreq(name);
				short flags = (short) (NetIoctl.IFF_TAP | NetIoctl.IFF_NO_PI | NetIoctl.IFF_VNET_HDR
						| (multiQueue ? NetIoctl.IFF_MULTI_QUEUE : 0));
				NetIoctl.putShort(ifreq, flags);
				NetIoctl.ioctl(fd, NetIoctl.TUNSETIFF, ifreq, "TUNSETIFF " + name);
				String created = NetIoctl.name(ifreq);
				NetIoctl.ioctlValue(fd, NetIoctl.TUNSETPERSIST, 1, "TUNSETPERSIST " + created);
				return created;
			}
			finally {
				NetIoctl.libc().close(fd);
			}
		}
		catch (NetIoctl.NativeException ex) {
			throw new HostNetworkException(name, what + ": cannot create tap '" + name + "': " + ex.getMessage());
		}
	}

	private static void configure(String name, Request request, int mtu, String what) {
		try {
			int socket = NetIoctl.controlSocket();
			try {
				byte[] mac = hostSideMac(request.guestMac());
				byte[] hw = NetIoctl.ifreq(name);
				NetIoctl.putHardwareAddress(hw, mac);
				NetIoctl.ioctl(socket, NetIoctl.SIOCSIFHWADDR, hw, "set the MAC address of " + name);
				if (mtu > 0) {
					byte[] ifreq = NetIoctl.ifreq(name);
					NetIoctl.putInt(ifreq, mtu);
					NetIoctl.ioctl(socket, NetIoctl.SIOCSIFMTU, ifreq, "set MTU " + mtu + " on " + name);
				}
				if (request.bridge().isPresent()) {
					byte[] index = NetIoctl.ifreq(name);
					NetIoctl.ioctl(socket, NetIoctl.SIOCGIFINDEX, index, "get the index of " + name);
					byte[] bridge = NetIoctl.ifreq(request.bridge().get());
					NetIoctl.putInt(bridge, NetIoctl.getInt(index));
					NetIoctl.ioctl(socket, NetIoctl.SIOCBRADDIF, bridge,
							"add " + name + " to bridge " + request.bridge().get());
				}
				byte[] flags = NetIoctl.ifreq(name);
				NetIoctl.ioctl(socket, NetIoctl.SIOCGIFFLAGS, flags, "get the flags of " + name);
				NetIoctl.putShort(flags, (short) (NetIoctl.getShort(flags) | NetIoctl.IFF_UP));
				NetIoctl.ioctl(socket, NetIoctl.SIOCSIFFLAGS, flags, "bring " + name + " up");
			}
			finally {
				NetIoctl.libc().close(socket);
			}
		}
		catch (NetIoctl.NativeException ex) {
			String subject = request.bridge().orElse(name);
			throw new HostNetworkException(subject, what + ": cannot " + ex.getMessage());
		}
	}

	private static int mtuOf(String bridge, String what) {
		try {
			int socket = NetIoctl.controlSocket();
			try {
				byte[] ifreq = NetIoctl.ifreq(bridge);
				NetIoctl.ioctl(socket, NetIoctl.SIOCGIFMTU, ifreq, "get the MTU of bridge " + bridge);
				return NetIoctl.getInt(ifreq);
			}
			finally {
				NetIoctl.libc().close(socket);
			}
		}
		catch (NetIoctl.NativeException ex) {
			throw new HostNetworkException(bridge, what + ": cannot " + ex.getMessage());
		}
	}

	/** libvirt's host-side MAC: the guest's with {@code fe} as its first byte. */
	public static byte[] hostSideMac(String guestMac) {
		String[] parts = guestMac.split(":");
		byte[] mac = new byte[6];
		for (int i = 0; i < 6; i++) {
			mac[i] = (byte) Integer.parseInt(parts[i], 16);
		}
		mac[0] = (byte) 0xfe;
		return mac;
	}

}
