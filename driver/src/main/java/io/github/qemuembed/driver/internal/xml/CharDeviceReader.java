package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/** Reads {@code <serial>}, {@code <console>} and {@code <channel>}. */
final class CharDeviceReader {

	private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:\\-]{1,253}");

	private static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

	private CharDeviceReader() {
	}

	static CharDevice charDevice(XNode node, boolean console) {
		CharType type = node.enumAttr("type", CharType.class)
			.orElseThrow(() -> new InvalidConfigurationException(node.attrPath("type"),
					"attribute 'type' of <" + node.name() + "> is required; supported: pty, file, unix, tcp, null"));
		Optional<String> path = Optional.empty();
		Optional<SourceMode> mode = Optional.empty();
		Optional<String> host = Optional.empty();
		Optional<String> service = Optional.empty();
		Optional<XNode> source = node.child("source");
		switch (type) {
			case FILE -> {
				XNode child = source.orElseThrow(() -> new InvalidConfigurationException(node.path() + "/source",
						"<" + node.name() + " type='file'> needs <source path='...'/>"));
				path = Optional.of(XmlValues.absolutePath(child, child.requiredAttr("path")));
				child.finish();
			}
			case UNIX -> {
				XNode child = source.orElseThrow(() -> new InvalidConfigurationException(node.path() + "/source",
						"<" + node.name() + " type='unix'> needs <source mode='bind|connect' path='...'/>"));
				mode = Optional.of(child.enumAttr("mode", SourceMode.class, SourceMode.BIND));
				path = Optional.of(XmlValues.absolutePath(child, child.requiredAttr("path")));
				child.finish();
			}
			case TCP -> {
				XNode child = source.orElseThrow(() -> new InvalidConfigurationException(node.path() + "/source",
						"<" + node.name() + " type='tcp'> needs <source mode host service/>"));
				mode = Optional.of(child.enumAttr("mode", SourceMode.class, SourceMode.BIND));
				String hostValue = child.requiredAttr("host");
				if (!HOST.matcher(hostValue).matches()) {
					throw new InvalidConfigurationException(child.attrPath("host"),
							"'" + Numbers.abbreviate(hostValue) + "' is not a host name or address");
				}
				host = Optional.of(hostValue);
				service = Optional.of(String
					.valueOf(Numbers.parse(child.attrPath("service"), child.requiredAttr("service"), 1, 65535)));
				child.finish();
			}
			case PTY, NULL -> source.ifPresent((child) -> {
				throw new UnsupportedConfigurationException(child.path(), "<source> is not supported for <"
						+ node.name() + " type='" + type.xmlName() + "'> (a pty's path is chosen at run time)");
			});
		}
		boolean telnet = false;
		Optional<XNode> protocol = node.child("protocol");
		if (protocol.isPresent()) {
			if (type != CharType.TCP) {
				throw new UnsupportedConfigurationException(protocol.get().path(),
						"<protocol> is only supported with type='tcp'");
			}
			telnet = protocol.get().oneOf("type", "raw", "raw", "telnet").equals("telnet");
			protocol.get().finish();
		}
		ConsoleTarget target = ConsoleTarget.SERIAL;
		Optional<Integer> port = Optional.empty();
		Optional<XNode> targetNode = node.child("target");
		if (targetNode.isPresent()) {
			XNode child = targetNode.get();
			if (console) {
				target = child.enumAttr("type", ConsoleTarget.class, ConsoleTarget.SERIAL);
			}
			else {
				child.oneOf("type", "isa-serial", "isa-serial");
				child.child("model").ifPresent((model) -> {
					model.oneOf("name", "isa-serial", "isa-serial");
					model.finish();
				});
			}
			port = child.intAttr("port", 0, 3);
			child.finish();
		}
		node.finish();
		return new CharDevice(type, path, mode, host, service, telnet, target, port);
	}

	static Channel channel(XNode node) {
		String type = node.oneOf("type", null, "unix", "spicevmc");
		if (type == null) {
			throw new InvalidConfigurationException(node.attrPath("type"),
					"attribute 'type' of <channel> is required; supported: unix, spicevmc");
		}
		boolean spicevmc = type.equals("spicevmc");
		Optional<String> path = spicevmc ? Optional.empty() : node.child("source").flatMap((child) -> {
			child.oneOf("mode", "bind", "bind");
			Optional<String> value = child.attr("path").map((text) -> XmlValues.absolutePath(child, text));
			child.finish();
			return value;
		});
		XNode target = node.requiredChild("target");
		target.oneOf("type", null, "virtio");
		if (target.attr("type").isEmpty()) {
			throw new InvalidConfigurationException(target.attrPath("type"),
					"attribute 'type' of the channel <target> is required; supported: virtio");
		}
		String name = target.requiredAttr("name");
		if (!CHANNEL_NAME.matcher(name).matches()) {
			throw new InvalidConfigurationException(target.attrPath("name"),
					"'" + Numbers.abbreviate(name) + "' is not a channel name (like org.qemu.guest_agent.0)");
		}
		// the agent's connection state that libvirt writes into the live XML of a running
		// domain (virsh dumpxml):
		// a report, not a setting, so XML copied from a running domain defines the same
		// channel (libvirt too
		// reads it back without effect); the driver reports the state in
		// DomainInfo.guestAgent()
		target.oneOf("state", null, "connected", "disconnected");
		target.finish();
		if (spicevmc && !name.equals("com.redhat.spice.0")) {
			throw new UnsupportedConfigurationException(target.attrPath("name"),
					"a spicevmc channel is the SPICE agent's: name='com.redhat.spice.0'");
		}
		Optional<VirtioSerialAddress> address = node.child("address")
			.map((child) -> (VirtioSerialAddress) AddressReader.read(child, "virtio-serial"));
		node.finish();
		return new Channel(path, name, address, spicevmc);
	}

}
