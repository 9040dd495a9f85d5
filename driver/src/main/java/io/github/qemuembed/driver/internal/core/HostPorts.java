package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.HostPortInUseException;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.NetInterface;
import io.github.qemuembed.driver.internal.xml.PortForward;

/**
 * The host side of {@code <portForward>} at each start: ports given as {@code start='0'}
 * get a free port chosen now, and every port asked for is tried first, so that a taken
 * one fails the start with its number instead of QEMU's or passt's generic complaint. The
 * definition with the chosen ports is the run's live definition; the persistent one keeps
 * {@code start='0'}.
 */
final class HostPorts {

	/**
	 * Larger ranges are left to passt to bind: trying each of thousands of ports costs
	 * more than it tells.
	 */
	private static final int MAX_CHECKED_RANGE = 1024;

	private HostPorts() {
	}

	static DomainDefinition choose(DomainDefinition definition) {
		List<NetInterface> interfaces = definition.devices().interfaces();
		if (interfaces.stream().allMatch((nic) -> nic.portForwards().isEmpty())) {
			return definition;
		}
		List<NetInterface> chosen = new ArrayList<>();
		for (int i = 0; i < interfaces.size(); i++) {
			NetInterface nic = interfaces.get(i);
			List<PortForward> forwards = new ArrayList<>();
			for (int j = 0; j < nic.portForwards().size(); j++) {
				PortForward forward = nic.portForwards().get(j);
				List<PortForward.Range> ranges = new ArrayList<>();
				for (int k = 0; k < forward.ranges().size(); k++) {
					String path = "/domain/devices/interface[" + (i + 1) + "]/portForward[" + (j + 1) + "]/range["
							+ (k + 1) + "]";
					ranges.add(resolve(forward, forward.ranges().get(k), path));
				}
				forwards.add(forward.withRanges(ranges));
			}
			chosen.add(nic.withPortForwards(forwards));
		}
		return definition.withDevices(definition.devices().withInterfaces(chosen));
	}

	/**
	 * The persistent form of a live definition: the forwards and tap names of
	 * {@code persistent} (host ports and taps chosen for one run stay out of it),
	 * everything else (assigned addresses) of {@code live}.
	 */
	static DomainDefinition unchoose(DomainDefinition live, DomainDefinition persistent) {
		List<NetInterface> interfaces = new ArrayList<>(live.devices().interfaces());
		for (int i = 0; i < interfaces.size() && i < persistent.devices().interfaces().size(); i++) {
			NetInterface original = persistent.devices().interfaces().get(i);
			interfaces.set(i,
					interfaces.get(i)
						.withPortForwards(original.portForwards())
						.withTargetDev(original.targetDev().orElse(null)));
		}
		return live.withDevices(live.devices().withInterfaces(interfaces));
	}

	private static PortForward.Range resolve(PortForward forward, PortForward.Range range, String path) {
		if (range.exclude()) {
			return range;
		}
		String address = forward.address().orElse("");
		boolean tcp = forward.protocol() == PortForward.Protocol.TCP;
		if (range.start() == 0) {
			return range.withStart(bind(tcp, address, 0, path));
		}
		if (range.size() <= MAX_CHECKED_RANGE) {
			for (int offset = 0; offset < range.size(); offset++) {
				bind(tcp, address, range.start() + offset, path);
			}
		}
		return range;
	}

	/**
	 * Binds and releases the port (0: any free one) as QEMU will bind it; returns the
	 * port bound.
	 */
	private static int bind(boolean tcp, String address, int port, String path) {
		InetSocketAddress endpoint;
		try {
			// a literal checked by the XML reader: no name lookup
			endpoint = address.isEmpty() ? new InetSocketAddress(port)
					: new InetSocketAddress(InetAddress.getByName(address), port);
		}
		catch (IOException ex) {
			throw new HostIoException(path + ": cannot use address " + address, ex);
		}
		try {
			if (tcp) {
				try (ServerSocket socket = new ServerSocket()) {
					// as slirp and passt bind: a port left in TIME_WAIT by an earlier run
					// is free
					socket.setReuseAddress(true);
					socket.bind(endpoint);
					return socket.getLocalPort();
				}
			}
			try (DatagramSocket socket = new DatagramSocket(null)) {
				socket.bind(endpoint);
				return socket.getLocalPort();
			}
		}
		catch (BindException ex) {
			String reason = (ex.getMessage() != null) ? ex.getMessage() : "";
			if (reason.contains("Permission denied")) {
				throw new HostIoException(
						path + ": host port " + port + " is below 1024, which only root (or a process "
								+ "with CAP_NET_BIND_SERVICE) may listen on; choose a port from 1024 on",
						ex);
			}
			if (port == 0 || reason.contains("assign")) {
				throw new HostIoException(path + ": cannot listen on " + (address.isEmpty() ? "every address" : address)
						+ " (is it an address of this host?)", ex);
			}
			throw new HostPortInUseException(path, tcp ? "tcp" : "udp", address, port);
		}
		catch (IOException ex) {
			throw new HostIoException(path + ": cannot try host port " + port, ex);
		}
	}

}
