package io.github.qemuembed.driver.internal.xml;

import java.util.List;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * Reads {@code <address>} of every type a device may have (pci, drive, virtio-serial,
 * usb, isa).
 */
final class AddressReader {

	private static final Pattern USB_PORT = Pattern.compile("[1-9][0-9]?(\\.[1-9][0-9]?){0,4}");

	private AddressReader() {
	}

	static DeviceAddress read(XNode node, String... allowed) {
		String type = node.requiredAttr("type");
		if (!List.of(allowed).contains(type)) {
			throw new UnsupportedConfigurationException(node.attrPath("type"), "address type '"
					+ Numbers.abbreviate(type) + "' is not supported here; supported: " + String.join(", ", allowed));
		}
		DeviceAddress address = switch (type) {
			case "pci" -> new PciAddress(node.intAttr("domain", 0, 0).orElse(0), node.intAttr("bus", 0, 255).orElse(0),
					node.intAttr("slot", 0, 31).orElse(0), node.intAttr("function", 0, 7).orElse(0),
					node.onOff("multifunction", false));
			case "drive" ->
				new DriveAddress(node.intAttr("controller", 0, 0).orElse(0), node.intAttr("bus", 0, 1).orElse(0),
						node.intAttr("target", 0, 255).orElse(0), node.intAttr("unit", 0, 255).orElse(0));
			case "virtio-serial" -> new VirtioSerialAddress(node.intAttr("controller", 0, 31).orElse(0),
					node.intAttr("bus", 0, 0).orElse(0), node.intAttr("port", 1, 30).orElse(1));
			case "usb" -> {
				int bus = node.intAttr("bus", 0, 0).orElse(0);
				String port = node.requiredAttr("port");
				if (!USB_PORT.matcher(port).matches()) {
					throw new InvalidConfigurationException(node.attrPath("port"),
							"'" + Numbers.abbreviate(port) + "' is not a USB port (like 1 or 1.2)");
				}
				yield new UsbAddress(bus, port);
			}
			case "isa" -> new IsaAddress(node.intAttr("iobase", 1, 0xffff)
				.orElseThrow(() -> new InvalidConfigurationException(node.attrPath("iobase"),
						"attribute 'iobase' of an ISA <address> is required (e.g. iobase='0x505'); "
								+ "or remove the <address> for the default port")));
			default -> throw new IllegalStateException(type);
		};
		node.finish();
		return address;
	}

	static PciAddress pci(XNode node) {
		return (PciAddress) read(node, "pci");
	}

}
