package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/** Reads {@code <graphics>} and {@code <video>}. */
final class GraphicsReader {

	private static final Pattern LISTEN_ADDRESS = Pattern.compile("[0-9A-Fa-f.:]{2,45}");

	private GraphicsReader() {
	}

	static Graphics graphics(XNode node) {
		String type = node.oneOf("type", null, "vnc", "spice", "none");
		if (type == null) {
			throw new InvalidConfigurationException(node.attrPath("type"),
					"attribute 'type' of <graphics> is required; supported: vnc, spice, none");
		}
		if (type.equals("none")) {
			node.finish();
			return new Graphics("none", Optional.empty(), false, "127.0.0.1", Optional.empty());
		}
		Optional<Integer> port = node.intAttr("port", -1, 65535);
		boolean autoport = node.yesNo("autoport", port.isEmpty() || port.get() == -1);
		if (!autoport && (port.isEmpty() || port.get() < 5900)) {
			throw new InvalidConfigurationException(node.attrPath("port"),
					"with autoport='no' give a port from 5900 to 65535");
		}
		Optional<String> listenAttr = node.attr("listen");
		Optional<String> listenChild = Optional.empty();
		for (XNode child : node.children("listen")) {
			child.oneOf("type", "address", "address");
			Optional<String> value = child.attr("address");
			child.finish();
			if (listenChild.isPresent()) {
				throw new UnsupportedConfigurationException(child.path(), "only one <listen> is supported");
			}
			listenChild = Optional.of(value.orElse("127.0.0.1"));
		}
		if (listenAttr.isPresent() && listenChild.isPresent() && !listenAttr.get().equals(listenChild.get())) {
			throw new InvalidConfigurationException(node.attrPath("listen"),
					"the listen attribute and <listen address> disagree");
		}
		String listen = listenAttr.isPresent() ? listenAttr.get() : listenChild.orElse("127.0.0.1");
		if (!LISTEN_ADDRESS.matcher(listen).matches()) {
			throw new InvalidConfigurationException(node.attrPath("listen"),
					"'" + Numbers.abbreviate(listen) + "' is not an IP address");
		}
		Optional<String> compression = Optional.empty();
		if (type.equals("spice")) {
			// TLS needs certificates this driver does not manage; -1 is what virt-install
			// writes for "none"
			node.intAttr("tlsPort", -1, -1);
			node.refuse("channel", "per-channel SPICE settings are not supported; remove <channel>");
			compression = node.child("image").map((child) -> {
				String value = child.oneOf("compression", null, "auto_glz", "auto_lz", "quic", "glz", "lz", "off");
				if (value == null) {
					throw new InvalidConfigurationException(child.attrPath("compression"),
							"give <image compression='off|auto_glz|auto_lz|quic|glz|lz'/>");
				}
				child.finish();
				return value;
			});
			if (node.attr("passwd").isPresent()) {
				throw new UnsupportedConfigurationException(node.attrPath("passwd"),
						"SPICE passwords are not supported; use VNC with passwd, or no password on a local socket");
			}
		}
		Optional<String> passwd = node.attr("passwd");
		if (passwd.isPresent() && (passwd.get().length() > 8 || passwd.get().isEmpty())) {
			throw new InvalidConfigurationException(node.attrPath("passwd"),
					"a VNC password has 1 to 8 characters (VNC authentication uses only 8)");
		}
		node.finish();
		return new Graphics(type, autoport ? Optional.empty() : port, autoport, listen, passwd, compression);
	}

	static Video video(XNode node) {
		XNode model = node.requiredChild("model");
		String type = model.oneOf("type", null, "vga", "cirrus", "virtio", "bochs", "qxl", "none");
		if (type == null) {
			throw new InvalidConfigurationException(model.attrPath("type"), "attribute 'type' of the video <model> "
					+ "is required; supported: vga, cirrus, virtio, bochs, qxl, none");
		}
		Optional<Integer> vram = model.intAttr("vram", 1024, 256 * 1024);
		if (vram.isPresent()
				&& !(type.equals("vga") || type.equals("cirrus") || type.equals("bochs") || type.equals("qxl"))) {
			throw new UnsupportedConfigurationException(model.attrPath("vram"),
					"vram is supported for vga, cirrus, bochs and qxl only");
		}
		if (vram.isPresent() && Integer.bitCount(vram.get()) != 1) {
			throw new InvalidConfigurationException(model.attrPath("vram"),
					"vram must be a power of two in KiB (like 16384)");
		}
		Optional<Integer> heads = model.intAttr("heads", 1, 16);
		if (heads.isPresent() && heads.get() > 1 && !type.equals("virtio")) {
			throw new UnsupportedConfigurationException(model.attrPath("heads"),
					"more than one head is supported for virtio only");
		}
		boolean primary = model.yesNo("primary", false);
		Optional<Integer> ram = qxlSize(model, type, "ram");
		Optional<Integer> vgamem = qxlSize(model, type, "vgamem");
		model.finish();
		Optional<PciAddress> address = node.child("address").map(AddressReader::pci);
		node.finish();
		if (type.equals("none") && (vram.isPresent() || heads.isPresent() || address.isPresent())) {
			throw new InvalidConfigurationException(node.path(), "video model 'none' takes no other settings");
		}
		return new Video(type, vram, heads, primary, address, ram, vgamem);
	}

	private static Optional<Integer> qxlSize(XNode model, String type, String name) {
		Optional<Integer> value = model.intAttr(name, 1024, 1024 * 1024);
		if (value.isPresent() && !type.equals("qxl")) {
			throw new UnsupportedConfigurationException(model.attrPath(name), name + " is supported for qxl only");
		}
		if (value.isPresent() && Integer.bitCount(value.get()) != 1) {
			throw new InvalidConfigurationException(model.attrPath(name),
					name + " must be a power of two in KiB (like 16384)");
		}
		return value;
	}

}
