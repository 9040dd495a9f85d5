package io.github.qemuembed.driver.internal.xml;

import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * Reads {@code <interface>}: MAC (generated when absent, as libvirt does), model, source,
 * tap name.
 */
final class InterfaceReader {

	private static final Pattern MAC_PATTERN = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");

	private static final Pattern TAP_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,15}");

	private static final Set<String> NIC_MODELS = Set.of("virtio", "e1000", "e1000e", "rtl8139");

	private static final SecureRandom RANDOM = new SecureRandom();

	private InterfaceReader() {
	}

	static NetInterface read(XNode node) {
		InterfaceType type = node.enumAttr("type", InterfaceType.class)
			.orElseThrow(() -> new InvalidConfigurationException(node.attrPath("type"),
					"attribute 'type' of <interface> is required; supported: user, network, bridge, ethernet"));
		String mac = node.child("mac").map((child) -> {
			String address = child.requiredAttr("address");
			if (!MAC_PATTERN.matcher(address).matches()) {
				throw new InvalidConfigurationException(child.attrPath("address"),
						"'" + Numbers.abbreviate(address) + "' is not a MAC address (like 52:54:00:12:34:56)");
			}
			if ((Integer.parseInt(address.substring(0, 2), 16) & 1) != 0) {
				throw new InvalidConfigurationException(child.attrPath("address"),
						"'" + address + "' is a multicast MAC address; a NIC needs a unicast one");
			}
			child.finish();
			return address.toLowerCase(Locale.ROOT);
		}).orElseGet(InterfaceReader::generateMac);
		String model = node.child("model").map((child) -> {
			String value = child.requiredAttr("type");
			if (!NIC_MODELS.contains(value)) {
				throw new UnsupportedConfigurationException(child.attrPath("type"), "NIC model '"
						+ Numbers.abbreviate(value) + "' is not supported; supported: virtio, e1000, e1000e, rtl8139");
			}
			child.finish();
			return value;
		}).orElse("virtio");
		Optional<XNode> sourceNode = node.child("source");
		Optional<String> source = Optional.empty();
		switch (type) {
			case NETWORK, BRIDGE -> {
				String attr = (type == InterfaceType.NETWORK) ? "network" : "bridge";
				XNode child = sourceNode.orElseThrow(() -> new InvalidConfigurationException(node.path() + "/source",
						"<interface type='" + type.xmlName() + "'> needs <source " + attr + "='...'/>"));
				source = Optional.of(XmlValues.objectName(child, attr));
				child.finish();
			}
			case USER, ETHERNET -> sourceNode.ifPresent((child) -> {
				throw new UnsupportedConfigurationException(child.path(),
						"<source> is not supported for <interface type='" + type.xmlName() + "'>");
			});
		}
		Optional<String> targetDev = node.child("target").map((child) -> {
			String dev = child.requiredAttr("dev");
			if (!TAP_NAME.matcher(dev).matches()) {
				throw new InvalidConfigurationException(child.attrPath("dev"),
						"'" + Numbers.abbreviate(dev) + "' is not a network interface name (1-15 characters)");
			}
			child.finish();
			return dev;
		});
		if (targetDev.isPresent() && type == InterfaceType.USER) {
			throw new UnsupportedConfigurationException(node.path() + "/target",
					"<target dev> names a host tap; " + "<interface type='user'> has none");
		}
		Optional<XNode> driver = node.child("driver");
		Optional<String> driverName = driver.map((child) -> child.oneOf("name", null, "qemu", "vhost"));
		Optional<Integer> queues = driver.flatMap((child) -> {
			Optional<Integer> value = child.intAttr("queues", 1, 256);
			child.finish();
			return value;
		});
		if (queues.orElse(1) > 1 && !model.equals("virtio")) {
			throw new InvalidConfigurationException(node.path() + "/driver/@queues", "queues is for model virtio");
		}
		if (type == InterfaceType.USER && (queues.orElse(1) > 1 || driverName.isPresent())) {
			// user networking (slirp, passt) has no tap: one queue, moved by QEMU
			throw new UnsupportedConfigurationException(
					node.path() + "/driver/@" + (driverName.isPresent() ? "name" : "queues"),
					"<interface type='user'> has no host tap: it takes neither queues nor a vhost driver; remove "
							+ "them, or use a bridge, network or ethernet interface");
		}
		if (driverName.isPresent() && !model.equals("virtio")) {
			throw new InvalidConfigurationException(node.path() + "/driver/@name", "<driver name> is for model virtio");
		}
		boolean passt = node.child("backend").map((child) -> {
			String backend = child.requiredAttr("type");
			if (!backend.equals("passt")) {
				throw new UnsupportedConfigurationException(child.attrPath("type"),
						"backend '" + Numbers.abbreviate(backend)
								+ "' is not supported; supported: passt (or no <backend> for "
								+ "QEMU's own user networking)");
			}
			if (type != InterfaceType.USER) {
				throw new UnsupportedConfigurationException(child.path(),
						"<backend type='passt'/> is for " + "<interface type='user'> only");
			}
			child.finish();
			return true;
		}).orElse(false);
		Optional<Integer> mtu = node.child("mtu").map((child) -> {
			int size = child.intAttr("size", 68, 65535)
				.orElseThrow(() -> new InvalidConfigurationException(child.attrPath("size"),
						"<mtu> needs size='...' (68 to 65535)"));
			child.finish();
			return size;
		});
		if (mtu.isPresent() && type == InterfaceType.USER) {
			throw new UnsupportedConfigurationException(node.path() + "/mtu",
					"<mtu> is for NICs on a host tap " + "(bridge, network, ethernet), not <interface type='user'>");
		}
		List<PortForward> forwards = PortForwardReader.read(node, type, passt);
		Optional<Integer> bootOrder = XmlValues.bootOrder(node);
		Optional<PciAddress> address = node.child("address").map(AddressReader::pci);
		node.finish();
		return new NetInterface(type, mac, model, source, targetDev, bootOrder, address, queues, passt, mtu, forwards,
				driverName);
	}

	static String generateMac() {
		byte[] bytes = new byte[3];
		RANDOM.nextBytes(bytes);
		return String.format("52:54:00:%02x:%02x:%02x", bytes[0] & 0xff, bytes[1] & 0xff, bytes[2] & 0xff);
	}

}
