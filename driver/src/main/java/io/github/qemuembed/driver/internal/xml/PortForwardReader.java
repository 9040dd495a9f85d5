package io.github.qemuembed.driver.internal.xml;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * Reads libvirt's
 * {@code <portForward proto address dev><range start end to exclude/></portForward>}.
 * libvirt takes it with the passt backend only; here QEMU's own user networking takes it
 * too (as {@code hostfwd} rules), within what slirp can do: one IPv4 listening address,
 * whole ranges, no device and no exclusions.
 */
final class PortForwardReader {

	/**
	 * slirp gets one {@code hostfwd} rule per port: a bound on the command line's length.
	 */
	static final int MAX_SLIRP_PORTS = 1024;

	private static final Pattern IPV4 = Pattern
		.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

	private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

	private static final Pattern DEV = Pattern.compile("[A-Za-z0-9_.\\-]{1,15}");

	private PortForwardReader() {
	}

	static List<PortForward> read(XNode nic, InterfaceType type, boolean passt) {
		List<XNode> nodes = nic.children("portForward");
		if (!nodes.isEmpty() && type != InterfaceType.USER) {
			throw new UnsupportedConfigurationException(nodes.get(0).path(), "<portForward> is for "
					+ "<interface type='user'> only; a NIC on a bridge is reached at its own address");
		}
		List<PortForward> forwards = new ArrayList<>();
		int slirpPorts = 0;
		for (XNode node : nodes) {
			PortForward forward = forward(node, passt);
			for (PortForward.Range range : forward.ranges()) {
				slirpPorts += range.size();
			}
			if (!passt && slirpPorts > MAX_SLIRP_PORTS) {
				throw new UnsupportedConfigurationException(node.path(), "more than " + MAX_SLIRP_PORTS + " forwarded "
						+ "ports on one NIC; QEMU's user networking takes one rule per port: use <backend type='passt'/>"
						+ " for large ranges");
			}
			forwards.add(forward);
		}
		return forwards;
	}

	private static PortForward forward(XNode node, boolean passt) {
		PortForward.Protocol protocol = node.enumAttr("proto", PortForward.Protocol.class)
			.orElseThrow(() -> new InvalidConfigurationException(node.attrPath("proto"),
					"<portForward> needs proto='tcp' or proto='udp'"));
		Optional<String> address = node.attr("address").map((value) -> {
			boolean v4 = IPV4.matcher(value).matches();
			if (!v4 && !(value.contains(":") && IPV6.matcher(value).matches() && isInet6(value))) {
				throw new InvalidConfigurationException(node.attrPath("address"),
						"'" + Numbers.abbreviate(value) + "' is not an IP address");
			}
			if (!v4 && !passt) {
				throw new UnsupportedConfigurationException(node.attrPath("address"), "QEMU's user networking "
						+ "listens on IPv4 addresses only; use an IPv4 address or <backend type='passt'/>");
			}
			return value;
		});
		Optional<String> dev = node.attr("dev").map((value) -> {
			if (!DEV.matcher(value).matches()) {
				throw new InvalidConfigurationException(node.attrPath("dev"),
						"'" + Numbers.abbreviate(value) + "' is not a network interface name (1-15 characters)");
			}
			if (!passt) {
				throw new UnsupportedConfigurationException(node.attrPath("dev"), "QEMU's user networking cannot "
						+ "listen on one host interface; use address='...' or <backend type='passt'/>");
			}
			return value;
		});
		List<PortForward.Range> ranges = new ArrayList<>();
		for (XNode range : node.children("range")) {
			ranges.add(range(range, passt));
		}
		if (ranges.isEmpty() && !passt) {
			throw new InvalidConfigurationException(node.path(), "<portForward> needs at least one <range start='...'/>"
					+ " (only passt forwards every port when none is given)");
		}
		if (!ranges.isEmpty() && ranges.stream().allMatch(PortForward.Range::exclude)) {
			throw new InvalidConfigurationException(node.path(), "every <range> excludes: add one that forwards");
		}
		node.finish();
		return new PortForward(protocol, address, dev, ranges);
	}

	private static PortForward.Range range(XNode node, boolean passt) {
		int start = node.intAttr("start", 0, 65535)
			.orElseThrow(() -> new InvalidConfigurationException(node.attrPath("start"),
					"<range> needs start='...': the first host port (1-65535, or 0 to let the "
							+ "driver choose a free one)"));
		Optional<Integer> end = node.intAttr("end", 1, 65535);
		Optional<Integer> to = node.intAttr("to", 1, 65535);
		boolean exclude = node.yesNo("exclude", false);
		node.finish();
		if (end.isPresent() && end.get() < start) {
			throw new InvalidConfigurationException(node.attrPath("end"),
					"end " + end.get() + " is below start " + start);
		}
		if (to.isPresent() && end.isPresent() && to.get() + (end.get() - start) > 65535) {
			throw new InvalidConfigurationException(node.attrPath("to"),
					"guest ports " + to.get() + " to " + (to.get() + end.get() - start) + " go past 65535");
		}
		if (start == 0 && (end.isPresent() || exclude || to.isEmpty())) {
			throw new InvalidConfigurationException(node.attrPath("start"), "start='0' (a host port the driver "
					+ "chooses) is for a single port with to='GUEST-PORT', without end or exclude");
		}
		if (exclude && !passt) {
			throw new UnsupportedConfigurationException(node.attrPath("exclude"), "QEMU's user networking cannot "
					+ "exclude ports; list the ranges to forward, or use <backend type='passt'/>");
		}
		if (exclude && to.isPresent()) {
			throw new InvalidConfigurationException(node.attrPath("to"),
					"an excluded range forwards nowhere: remove to");
		}
		return new PortForward.Range(start, end, to, exclude);
	}

	private static boolean isInet6(String value) {
		try {
			// a literal (checked by the pattern above): no name lookup happens
			return InetAddress.getByName(value) instanceof Inet6Address;
		}
		catch (UnknownHostException ex) {
			return false;
		}
	}

}
