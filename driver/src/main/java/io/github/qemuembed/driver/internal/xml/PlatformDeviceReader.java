package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * Reads the small devices: {@code <sound>}, {@code <redirdev>}, {@code <input>},
 * {@code <rng>}, {@code <memballoon>}, {@code <watchdog>}, {@code <panic>},
 * {@code <vsock>}.
 */
final class PlatformDeviceReader {

	private static final Pattern MOUNT_TAG = Pattern.compile("[A-Za-z0-9_.\\-]{1,36}");

	private static final Set<String> RNG_SOURCES = Set.of("/dev/urandom", "/dev/random", "/dev/hwrng");

	private PlatformDeviceReader() {
	}

	static Input input(XNode node) {
		InputType type = node.enumAttr("type", InputType.class)
			.orElseThrow(() -> new InvalidConfigurationException(node.attrPath("type"),
					"attribute 'type' of <input> is required; supported: tablet, mouse, keyboard"));
		InputBus bus = node.enumAttr("bus", InputBus.class, type == InputType.TABLET ? InputBus.USB : InputBus.PS2);
		if (type == InputType.TABLET && bus == InputBus.PS2) {
			throw new InvalidConfigurationException(node.attrPath("bus"),
					"a tablet cannot be on ps2; use usb or virtio");
		}
		Optional<DeviceAddress> address = node.child("address").map((child) -> switch (bus) {
			case USB -> AddressReader.read(child, "usb");
			case VIRTIO -> AddressReader.read(child, "pci");
			case PS2 -> throw new UnsupportedConfigurationException(child.path(), "PS/2 inputs have no address");
		});
		node.finish();
		return new Input(type, bus, address);
	}

	static Rng rng(XNode node) {
		node.oneOf("model", null, "virtio");
		if (node.attr("model").isEmpty()) {
			throw new InvalidConfigurationException(node.attrPath("model"),
					"attribute 'model' of <rng> is required; supported: virtio");
		}
		XNode backend = node.requiredChild("backend");
		backend.oneOf("model", null, "random");
		if (backend.attr("model").isEmpty()) {
			throw new InvalidConfigurationException(backend.attrPath("model"),
					"attribute 'model' of <backend> is required; supported: random");
		}
		String path = backend.text().isEmpty() ? "/dev/urandom" : backend.text();
		if (!RNG_SOURCES.contains(path)) {
			throw new UnsupportedConfigurationException(backend.path(), "entropy source '" + Numbers.abbreviate(path)
					+ "' is not supported; supported: /dev/urandom, /dev/random, /dev/hwrng");
		}
		backend.finish();
		Optional<PciAddress> address = node.child("address").map(AddressReader::pci);
		node.finish();
		return new Rng(path, address);
	}

	static MemBalloon memballoon(XNode node) {
		String model = node.oneOf("model", null, "virtio", "none");
		if (model == null) {
			throw new InvalidConfigurationException(node.attrPath("model"),
					"attribute 'model' of <memballoon> is required; supported: virtio, none");
		}
		Optional<PciAddress> address = node.child("address").map(AddressReader::pci);
		node.finish();
		if (model.equals("none") && address.isPresent()) {
			throw new InvalidConfigurationException(node.path() + "/address", "memballoon model 'none' has no address");
		}
		return new MemBalloon(model, address);
	}

	static Watchdog watchdog(XNode node) {
		String model = node.oneOf("model", null, "i6300esb", "ib700");
		if (model == null) {
			throw new InvalidConfigurationException(node.attrPath("model"),
					"attribute 'model' of <watchdog> is required; supported: i6300esb, ib700");
		}
		WatchdogAction action = node.enumAttr("action", WatchdogAction.class, WatchdogAction.RESET);
		Optional<PciAddress> address = node.child("address").map(AddressReader::pci);
		node.finish();
		if (model.equals("ib700") && address.isPresent()) {
			throw new InvalidConfigurationException(node.path() + "/address",
					"the ib700 watchdog is an ISA device without a PCI address");
		}
		return new Watchdog(model, action, address);
	}

	static Panic panic(XNode node) {
		// libvirt's default model on x86 is isa
		PanicModel model = node.enumAttr("model", PanicModel.class, PanicModel.ISA);
		Optional<DeviceAddress> address = node.child("address")
			.map((child) -> AddressReader.read(child, (model == PanicModel.ISA) ? "isa" : "pci"));
		node.finish();
		return new Panic(model, address);
	}

	static Vsock vsock(XNode node) {
		node.oneOf("model", "virtio", "virtio");
		XNode cid = node.requiredChild("cid");
		boolean auto = cid.yesNo("auto", false);
		if (auto) {
			throw new UnsupportedConfigurationException(cid.attrPath("auto"),
					"automatic guest CIDs are not supported; give <cid auto='no' address='N'/> with N from 3");
		}
		long address = cid.longAttr("address", 3, 0xfffffffeL)
			.orElseThrow(() -> new InvalidConfigurationException(cid.attrPath("address"),
					"give the guest CID as <cid auto='no' address='N'/> with N from 3"));
		cid.finish();
		Optional<PciAddress> pci = node.child("address").map(AddressReader::pci);
		node.finish();
		return new Vsock(address, pci);
	}

	static Sound sound(XNode node) {
		String model = node.oneOf("model", null, "ich9", "ich6", "ac97");
		if (model == null) {
			throw new InvalidConfigurationException(node.attrPath("model"),
					"attribute 'model' of <sound> is required; supported: ich9, ich6, ac97");
		}
		node.refuse("codec", "<codec> is not supported; the HD Audio controllers get one duplex codec");
		Optional<PciAddress> address = node.child("address").map(AddressReader::pci);
		node.finish();
		return new Sound(model, address);
	}

	static Redirdev redirdev(XNode node) {
		node.oneOf("bus", "usb", "usb");
		String type = node.oneOf("type", null, "spicevmc");
		if (type == null) {
			throw new InvalidConfigurationException(node.attrPath("type"),
					"attribute 'type' of <redirdev> is required; supported: spicevmc");
		}
		Optional<UsbAddress> address = node.child("address")
			.map((child) -> (UsbAddress) AddressReader.read(child, "usb"));
		node.finish();
		return new Redirdev(address);
	}

	static Tpm tpm(XNode node) {
		String model = node.oneOf("model", "tpm-tis", "tpm-crb", "tpm-tis");
		XNode backend = node.requiredChild("backend");
		String type = backend.oneOf("type", null, "emulator", "passthrough");
		if (type == null) {
			throw new InvalidConfigurationException(backend.attrPath("type"),
					"attribute 'type' of the TPM <backend> is required; supported: emulator");
		}
		if (type.equals("passthrough")) {
			throw new UnsupportedConfigurationException(backend.attrPath("type"), "a host TPM passed through is "
					+ "not supported; use <backend type='emulator' version='2.0'/> (swtpm)");
		}
		backend.oneOf("version", "2.0", "2.0");
		backend.finish();
		node.finish();
		return new Tpm(model);
	}

	static Filesystem filesystem(XNode node) {
		node.oneOf("type", "mount", "mount");
		node.oneOf("accessmode", "passthrough", "passthrough");
		XNode driver = node.child("driver")
			.orElseThrow(() -> new UnsupportedConfigurationException(node.path() + "/driver",
					"only virtiofs is supported; give <driver type='virtiofs'/> (9p is not)"));
		driver.oneOf("type", null, "virtiofs");
		if (driver.attr("type").isEmpty()) {
			throw new UnsupportedConfigurationException(driver.attrPath("type"),
					"only virtiofs is supported; give <driver type='virtiofs'/> (9p is not)");
		}
		driver.finish();
		XNode source = node.requiredChild("source");
		String dir = XmlValues.absolutePath(source, source.requiredAttr("dir"));
		source.finish();
		XNode target = node.requiredChild("target");
		String tag = target.requiredAttr("dir");
		if (!MOUNT_TAG.matcher(tag).matches()) {
			throw new InvalidConfigurationException(target.attrPath("dir"),
					"'" + Numbers.abbreviate(tag) + "' is not a virtiofs tag (1-36 letters, digits, '_', '.', '-')");
		}
		target.finish();
		Optional<PciAddress> address = node.child("address").map(AddressReader::pci);
		node.finish();
		return new Filesystem(dir, tag, address);
	}

}
