package io.github.qemuembed.driver.internal.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.qemuembed.driver.internal.xml.NetInterface;
import io.github.qemuembed.driver.internal.xml.PortForward;

/**
 * {@code <portForward>} in the two spellings: QEMU's {@code hostfwd} rules and passt's
 * port specifications.
 */
final class UserNetForwards {

	private UserNetForwards() {
	}

	/**
	 * One {@code hostfwd} rule per host port ({@code tcp:ADDR:HOSTPORT-:GUESTPORT}; slirp
	 * has no ranges), in the QAPI form {@code [{"str": ...}]}; {@code null} without
	 * forwards. The guest address is slirp's default, the first address its DHCP server
	 * hands out (10.0.2.15).
	 */
	static List<Map<String, String>> hostfwd(NetInterface nic) {
		List<Map<String, String>> rules = new ArrayList<>();
		for (PortForward forward : nic.portForwards()) {
			String address = forward.address().orElse("");
			for (PortForward.Range range : forward.ranges()) {
				for (int offset = 0; offset < range.size(); offset++) {
					rules.add(Map.of("str", forward.protocol().xmlName() + ":" + address + ":"
							+ (range.start() + offset) + "-:" + range.guestPort(offset)));
				}
			}
		}
		return rules.isEmpty() ? null : rules;
	}

	/**
	 * passt's {@code --tcp-ports}/{@code --udp-ports} arguments:
	 * {@code [ADDR][%DEV]/}ranges, as libvirt writes them.
	 */
	static List<String> passtPorts(NetInterface nic) {
		List<String> args = new ArrayList<>();
		for (PortForward forward : nic.portForwards()) {
			args.add(forward.protocol() == PortForward.Protocol.TCP ? "--tcp-ports" : "--udp-ports");
			StringBuilder spec = new StringBuilder();
			forward.address().ifPresent(spec::append);
			forward.dev().ifPresent((dev) -> spec.append('%').append(dev));
			if (!spec.isEmpty()) {
				spec.append('/');
			}
			if (forward.ranges().isEmpty()) {
				spec.append("all");
			}
			for (int i = 0; i < forward.ranges().size(); i++) {
				PortForward.Range range = forward.ranges().get(i);
				spec.append(i > 0 ? "," : "").append(range.exclude() ? "~" : "").append(range.start());
				range.end().ifPresent((end) -> spec.append('-').append(end));
				range.to().ifPresent((to) -> {
					spec.append(':').append(to);
					range.end().ifPresent((end) -> spec.append('-').append(to + end - range.start()));
				});
			}
			args.add(spec.toString());
		}
		return args;
	}

	/**
	 * The uid passt runs as: the driver's own. passt started by root otherwise drops to
	 * {@code nobody}, which cannot create its socket in the owner-only private directory.
	 */
	static String currentUid() {
		try {
			return String.valueOf(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
		}
		catch (IOException | UnsupportedOperationException ex) {
			return System.getProperty("user.name");
		}
	}

}
