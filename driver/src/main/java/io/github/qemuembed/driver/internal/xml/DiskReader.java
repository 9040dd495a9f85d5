package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/** Reads {@code <disk>}: driver, source, target, encryption, address. */
final class DiskReader {

	private static final Pattern SERIAL = Pattern.compile("[A-Za-z0-9_ .+\\-]{1,20}");

	private DiskReader() {
	}

	static Disk read(XNode node) {
		DiskType type = node.enumAttr("type", DiskType.class, DiskType.FILE);
		DiskDevice device = node.enumAttr("device", DiskDevice.class, DiskDevice.DISK);
		DiskDriver driver = node.child("driver").map((child) -> {
			child.oneOf("name", "qemu", "qemu");
			DiskFormat format = child.enumAttr("type", DiskFormat.class, DiskFormat.RAW);
			Optional<DiskCache> cache = child.enumAttr("cache", DiskCache.class);
			Optional<DiskDiscard> discard = child.enumAttr("discard", DiskDiscard.class);
			Optional<String> io = Optional.ofNullable(child.oneOf("io", null, "threads", "native", "io_uring"));
			boolean direct = cache.map((mode) -> mode == DiskCache.NONE || mode == DiskCache.DIRECTSYNC).orElse(false);
			if (io.filter("native"::equals).isPresent() && !direct) {
				// QEMU refuses Linux native AIO on the page cache
				throw new InvalidConfigurationException(child.attrPath("io"),
						"io='native' needs cache='none' or cache='directsync'");
			}
			Optional<Integer> iothread = child.intAttr("iothread", 1, 64);
			child.finish();
			return new DiskDriver(format, cache, discard, io, iothread);
		}).orElse(DiskDriver.RAW);
		Optional<DiskSource> source = node.child("source").map((child) -> {
			DiskSource result = switch (type) {
				case FILE -> new DiskSource(Optional.of(XmlValues.absolutePath(child, child.requiredAttr("file"))),
						Optional.empty(), Optional.empty(), Optional.empty());
				case BLOCK -> new DiskSource(Optional.empty(),
						Optional.of(XmlValues.absolutePath(child, child.requiredAttr("dev"))), Optional.empty(),
						Optional.empty());
				case VOLUME ->
					new DiskSource(Optional.empty(), Optional.empty(), Optional.of(XmlValues.objectName(child, "pool")),
							Optional.of(XmlValues.objectName(child, "volume")));
				case NETWORK -> DiskSource.network(NetworkSourceReader.read(child));
			};
			child.finish();
			return result;
		});
		if (source.isEmpty() && device == DiskDevice.DISK) {
			throw new InvalidConfigurationException(node.path() + "/source",
					"a disk needs a <source> (only a cdrom or a floppy may be empty)");
		}
		XNode target = node.requiredChild("target");
		String dev = target.requiredAttr("dev");
		Optional<DiskBus> givenBus = target.enumAttr("bus", DiskBus.class);
		target.finish();
		DiskBus bus = givenBus.orElseGet(() -> busOf(target, dev));
		if (!dev.startsWith(DiskTargets.prefix(bus)) || DiskTargets.index(dev) < 0) {
			throw new InvalidConfigurationException(target.attrPath("dev"),
					"'" + Numbers.abbreviate(dev) + "' is not a target name for bus " + bus.xmlName() + "; use "
							+ DiskTargets.prefix(bus) + "a, " + DiskTargets.prefix(bus) + "b, ...");
		}
		if ((device == DiskDevice.FLOPPY) != (bus == DiskBus.FDC)) {
			throw new InvalidConfigurationException(target.attrPath("bus"),
					"a floppy goes on bus 'fdc' (fda, fdb), and only a floppy does");
		}
		if (bus == DiskBus.FDC && DiskTargets.index(dev) > 1) {
			throw new InvalidConfigurationException(target.attrPath("dev"),
					"the floppy controller has two drives: fda, fdb");
		}
		if (device == DiskDevice.CDROM && bus == DiskBus.USB) {
			throw new UnsupportedConfigurationException(target.attrPath("bus"),
					"a cdrom on the usb bus is not supported; use sata or scsi");
		}
		if (device == DiskDevice.CDROM && bus == DiskBus.VIRTIO) {
			throw new UnsupportedConfigurationException(target.attrPath("bus"),
					"a cdrom cannot be on the virtio bus; use sata, scsi or ide");
		}
		if (driver.iothread().isPresent() && bus != DiskBus.VIRTIO) {
			// QEMU's iothread is a property of the virtio-blk device; a SCSI disk runs in
			// its controller's
			throw new UnsupportedConfigurationException(node.path() + "/driver/@iothread",
					"iothread on a disk is for bus virtio; for a scsi disk give the controller one "
							+ "(<controller type='scsi' model='virtio-scsi'><driver iothread='N'/>)");
		}
		boolean readonly = XmlValues.flag(node, "readonly");
		if (readonly && device == DiskDevice.DISK && (bus == DiskBus.SATA || bus == DiskBus.IDE)) {
			throw new UnsupportedConfigurationException(node.path() + "/readonly",
					"QEMU's IDE/SATA hard disks cannot be read-only; use bus virtio or scsi, or device='cdrom'");
		}
		boolean shareable = XmlValues.flag(node, "shareable");
		Optional<String> serial = node.child("serial").map((child) -> {
			String value = child.requiredText();
			if (!SERIAL.matcher(value).matches()) {
				throw new InvalidConfigurationException(child.path(),
						"a disk serial is 1 to 20 characters from A-Z a-z 0-9 _ . + - and space");
			}
			child.finish();
			return value;
		});
		Optional<Integer> bootOrder = XmlValues.bootOrder(node);
		if (bus == DiskBus.FDC && bootOrder.isPresent()) {
			// QEMU's floppy drives have no bootindex of their own
			throw new UnsupportedConfigurationException(node.path() + "/boot",
					"a floppy takes no <boot order>; boot from it with <os><boot dev='fd'/></os>");
		}
		if (bus == DiskBus.FDC && serial.isPresent()) {
			throw new UnsupportedConfigurationException(node.path() + "/serial",
					"a floppy has no serial number; " + "remove <serial>");
		}
		Optional<DiskEncryption> encryption = node.child("encryption").map((child) -> {
			String format = child.oneOf("format", null, "luks");
			if (format == null) {
				throw new InvalidConfigurationException(child.attrPath("format"),
						"attribute 'format' of <encryption> is required; supported: luks");
			}
			child.oneOf("engine", "qemu", "qemu");
			XNode secret = child.requiredChild("secret");
			secret.oneOf("type", "passphrase", "passphrase");
			if (secret.attr("usage").isPresent()) {
				throw new UnsupportedConfigurationException(secret.attrPath("usage"),
						"secrets are referenced by uuid only; give the secret's uuid attribute");
			}
			UUID uuid = XmlValues.uuidAttr(secret, "uuid");
			secret.finish();
			child.finish();
			return new DiskEncryption(format, uuid);
		});
		Optional<DeviceAddress> address = node.child("address").map((child) -> {
			if (bus == DiskBus.VIRTIO) {
				return (DeviceAddress) AddressReader.pci(child);
			}
			if (bus == DiskBus.USB) {
				return AddressReader.read(child, "usb");
			}
			return AddressReader.read(child, "drive");
		});
		// libvirt writes an empty <backingStore/> for an image without a backing chain,
		// and nests the chain it
		// found (or was given) below the source
		BackingChainReader.Chain chain = BackingChainReader.read(node);
		if (!chain.images().isEmpty() && source.isEmpty()) {
			throw new InvalidConfigurationException(node.path() + "/backingStore", "a backing chain needs a <source>");
		}
		for (int i = 0; i < chain.images().size(); i++) {
			DiskFormat above = (i == 0) ? driver.format() : chain.images().get(i - 1).format();
			if (above != DiskFormat.QCOW2) {
				throw new InvalidConfigurationException(node.path() + "/backingStore",
						"only a qcow2 image has a backing file; the image above backing image " + (i + 1) + " is "
								+ above.xmlName());
			}
		}
		boolean http = source.flatMap(DiskSource::network).map((net) -> !net.protocol().equals("nbd")).orElse(false);
		if (http && !readonly && device == DiskDevice.DISK) {
			// QEMU's curl driver reads only
			throw new InvalidConfigurationException(node.path() + "/readonly",
					"an http(s) disk is read-only in QEMU; add <readonly/> (or use nbd for a writable network disk)");
		}
		Optional<IoTune> iotune = node.child("iotune").map(IoTuneReader::read);
		if (iotune.isPresent() && source.isEmpty()) {
			throw new UnsupportedConfigurationException(node.path() + "/iotune",
					"I/O limits on a cdrom without a medium are not supported; remove <iotune> or give a <source>");
		}
		node.finish();
		return new Disk(type, device, driver, source, dev, bus, readonly || device == DiskDevice.CDROM, shareable,
				serial, bootOrder, encryption, address, chain.terminated(), chain.images(), iotune);
	}

	static DiskBus busOf(XNode target, String dev) {
		if (dev.startsWith("vd")) {
			return DiskBus.VIRTIO;
		}
		if (dev.startsWith("sd")) {
			return DiskBus.SCSI;
		}
		if (dev.startsWith("hd")) {
			return DiskBus.IDE;
		}
		if (dev.startsWith("fd")) {
			return DiskBus.FDC;
		}
		throw new InvalidConfigurationException(target.attrPath("dev"), "cannot tell the bus of '"
				+ Numbers.abbreviate(dev) + "'; give <target bus='virtio|sata|scsi|usb|ide'>");
	}

}
