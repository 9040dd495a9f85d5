package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * Completes a definition the way libvirt does before the first start: adds the
 * controllers its devices need and gives every PCI device an address, keeping the
 * addresses already there. On Q35 every PCI Express device gets its own
 * {@code pcie-root-port} (hot-plug capable, like libvirt); conventional PCI devices (VGA,
 * e1000, rtl8139, i6300esb, pvpanic-pci) sit on the root bus. On i440FX everything sits
 * on the root bus from slot 2 (the primary video's when there is one).
 */
final class PciTopology {

	private static final int MAX_SLOT = 31;

	private final MachineFamily family;

	private final List<Controller> controllers;

	private final Set<PciAddress> used = new HashSet<>();

	private final Map<Integer, PciAddress> usb2Slots = new HashMap<>();

	private PciTopology(MachineFamily family, List<Controller> controllers) {
		this.family = family;
		this.controllers = new ArrayList<>(controllers);
	}

	static DomainDefinition assign(DomainDefinition def) {
		MachineFamily family = MachineFamily.of(def.os().machine().orElse("pc"));
		Devices devices = def.devices();
		PciTopology topology = new PciTopology(family, devices.controllers());
		topology.addImplicitControllers(devices);
		topology.collectGivenAddresses(def.withDevices(devices.withControllers(topology.controllers)).devices());
		List<Video> videos = new ArrayList<>();
		for (int i = 0; i < devices.videos().size(); i++) {
			Video video = devices.videos().get(i);
			if (video.model().equals("none") || video.address().isPresent()) {
				videos.add(video);
			}
			else if (i == 0) {
				videos.add(video
					.withAddress(topology.rootSlot(family == MachineFamily.Q35 ? 1 : 2, "/domain/devices/video[1]")));
			}
			else {
				videos.add(video.withAddress(topology.express("/domain/devices/video[" + (i + 1) + "]")));
			}
		}
		// Controllers first: they are what other devices plug into.
		List<Controller> controllers = new ArrayList<>();
		for (int i = 0; i < topology.controllers.size(); i++) {
			Controller controller = topology.controllers.get(i);
			String path = "/domain/devices/controller[" + (i + 1) + "]";
			Optional<PciAddress> builtin = topology.builtinAddress(controller);
			if (controller.address().isEmpty() && builtin.isPresent()) {
				controller = controller.withAddress(builtin.get());
			}
			else if (controller.address().isEmpty() && topology.isUsb2(controller)) {
				controller = controller.withAddress(topology.usb2Function(controller, path));
			}
			else if (controller.address().isEmpty() && topology.needsPci(controller)) {
				boolean rootPort = controller.is(ControllerType.PCI, "pcie-root-port");
				boolean conventional = controller.type() == ControllerType.SATA
						|| controller.is(ControllerType.USB, "piix3-uhci");
				controller = controller.withAddress(rootPort ? topology.rootSlot(2, path)
						: conventional ? topology.conventional(path) : topology.express(path));
			}
			controllers.add(controller);
			topology.controllers.set(i, controller);
		}
		List<Disk> disks = topology.map(devices.disks(), "disk",
				(disk) -> disk.bus() == DiskBus.VIRTIO && disk.address().isEmpty(),
				(disk, address) -> disk.withAddress(address), true);
		List<NetInterface> nics = new ArrayList<>();
		for (int i = 0; i < devices.interfaces().size(); i++) {
			NetInterface nic = devices.interfaces().get(i);
			if (nic.address().isEmpty()) {
				String path = "/domain/devices/interface[" + (i + 1) + "]";
				boolean express = nic.model().equals("virtio") || nic.model().equals("e1000e");
				nic = nic.withAddress(express ? topology.express(path) : topology.conventional(path));
			}
			nics.add(nic);
		}
		List<Input> inputs = topology.map(devices.inputs(), "input",
				(input) -> input.bus() == InputBus.VIRTIO && input.address().isEmpty(),
				(input, address) -> input.withAddress(address), true);
		List<Watchdog> watchdogs = topology.map(devices.watchdogs(), "watchdog",
				(watchdog) -> watchdog.model().equals("i6300esb") && watchdog.address().isEmpty(),
				(watchdog, address) -> watchdog.withAddress(address), false);
		// As libvirt: a virtio balloon unless <memballoon model='none'/> says not.
		Optional<MemBalloon> balloon = devices.memballoon()
			.or(() -> Optional.of(new MemBalloon("virtio", Optional.empty())))
			.map((value) -> {
				if (value.present() && value.address().isEmpty()) {
					return value.withAddress(topology.express("/domain/devices/memballoon"));
				}
				return value;
			});
		List<Rng> rngs = topology.map(devices.rngs(), "rng", (rng) -> rng.address().isEmpty(),
				(rng, address) -> rng.withAddress(address), true);
		List<Filesystem> filesystems = topology.map(devices.filesystems(), "filesystem", (fs) -> fs.address().isEmpty(),
				(fs, address) -> fs.withAddress(address), true);
		// HD Audio and AC'97 are conventional PCI devices on the root bus, as libvirt
		// places them
		List<Sound> sounds = topology.map(devices.sounds(), "sound", (sound) -> sound.address().isEmpty(),
				(sound, address) -> sound.withAddress(address), false);
		// pvpanic-pci is a conventional PCI device: the root bus, as libvirt places it
		List<Panic> panics = topology.map(devices.panics(), "panic",
				(panic) -> panic.model() == PanicModel.PVPANIC && panic.address().isEmpty(),
				(panic, address) -> panic.withAddress(address), false);
		Optional<Vsock> vsock = devices.vsock()
			.map((value) -> value.address().isPresent() ? value
					: value.withAddress(topology.express("/domain/devices/vsock")));
		List<Channel> channels = new ArrayList<>();
		Set<Integer> ports = new HashSet<>();
		devices.channels().forEach((channel) -> channel.address().ifPresent((a) -> ports.add(a.port())));
		int consolePorts = Loops.count(devices.consoles(), (c) -> c.target() == ConsoleTarget.VIRTIO);
		int next = 1 + consolePorts;
		for (Channel channel : devices.channels()) {
			if (channel.address().isEmpty()) {
				while (ports.contains(next)) {
					next++;
				}
				ports.add(next);
				channel = channel.withAddress(new VirtioSerialAddress(0, 0, next));
			}
			channels.add(channel);
		}
		Devices assigned = devices.withControllers(topology.controllers)
			.withVideos(videos)
			.withDisks(disks)
			.withInterfaces(nics)
			.withInputs(inputs)
			.withWatchdogs(watchdogs)
			.withMemballoon(balloon)
			.withRngs(rngs)
			.withVsock(vsock)
			.withPanics(panics)
			.withSounds(sounds)
			.withFilesystems(filesystems)
			.withChannels(channels);
		return def.withDevices(BusAddresses.assign(assigned));
	}

	/**
	 * Where a chipset-integrated controller sits: Q35's AHCI, i440FX's PIIX3 IDE and UHCI
	 * functions.
	 */
	private Optional<PciAddress> builtinAddress(Controller controller) {
		if (controller.index() != 0) {
			return Optional.empty();
		}
		if (this.family == MachineFamily.Q35 && controller.type() == ControllerType.SATA) {
			return Optional.of(new PciAddress(0, 0, 0x1f, 2, false));
		}
		if (this.family == MachineFamily.PC && controller.type() == ControllerType.IDE) {
			return Optional.of(new PciAddress(0, 0, 1, 1, false));
		}
		if (this.family == MachineFamily.PC && controller.is(ControllerType.USB, "piix3-uhci")) {
			return Optional.of(new PciAddress(0, 0, 1, 2, false));
		}
		return Optional.empty();
	}

	private boolean isUsb2(Controller controller) {
		return controller.type() == ControllerType.USB
				&& controller.model().map((model) -> model.startsWith("ich9-")).orElse(false);
	}

	/**
	 * As libvirt places a USB 2 set: the EHCI at function 7 of a root-bus slot, its UHCI
	 * companions at functions 0 to 2 of the same slot (function 0 multifunction), one
	 * slot per controller index.
	 */
	private PciAddress usb2Function(Controller controller, String path) {
		PciAddress slot = this.usb2Slots.get(controller.index());
		if (slot == null) {
			slot = conventional(path);
			this.usb2Slots.put(controller.index(), slot);
		}
		int function = controller.masterStartport().map((start) -> start / 2).orElse(7);
		if (!controller.isCompanion() && !controller.is(ControllerType.USB, "ich9-ehci1")) {
			// a UHCI without an EHCI master is a controller of its own
			return slot;
		}
		PciAddress address = new PciAddress(0, 0, slot.slot(), function, function == 0);
		if (!this.used.add(slotKey(address)) && function != 0) {
			throw new InvalidConfigurationException(path, "two USB controllers of index " + controller.index()
					+ " want PCI function " + function + "; give each companion its own <master startport>");
		}
		return address;
	}

	private boolean needsPci(Controller controller) {
		return switch (controller.type()) {
			case PCI -> controller.is(ControllerType.PCI, "pcie-root-port");
			case USB -> !controller.is(ControllerType.USB, "none");
			case SCSI, VIRTIO_SERIAL -> true;
			// Q35 has its SATA controller built in (00:1f.2); i440FX gets an AHCI device.
			case SATA -> this.family == MachineFamily.PC;
			case IDE, FDC -> false;
		};
	}

	private <T> List<T> map(List<T> items, String element, Predicate<T> needs, BiFunction<T, PciAddress, T> assign,
			boolean express) {
		List<T> result = new ArrayList<>();
		for (int i = 0; i < items.size(); i++) {
			T item = items.get(i);
			if (needs.test(item)) {
				String path = "/domain/devices/" + element + "[" + (i + 1) + "]";
				item = assign.apply(item, express ? express(path) : conventional(path));
			}
			result.add(item);
		}
		return result;
	}

	private void addImplicitControllers(Devices devices) {
		boolean hasRoot = Loops.any(this.controllers, (c) -> c.type() == ControllerType.PCI && c.index() == 0);
		String rootModel = (this.family == MachineFamily.Q35) ? "pcie-root" : "pci-root";
		for (int i = 0; i < this.controllers.size(); i++) {
			Controller controller = this.controllers.get(i);
			String path = "/domain/devices/controller[" + (i + 1) + "]";
			if (controller.type() == ControllerType.PCI && controller.index() == 0
					&& !controller.model().get().equals(rootModel)) {
				throw new InvalidConfigurationException(path + "/@model",
						"machine family " + this.family.name().toLowerCase() + " has a " + rootModel + " root bus, not "
								+ controller.model().get());
			}
			if (controller.is(ControllerType.PCI, "pcie-root-port") && this.family != MachineFamily.Q35) {
				throw new UnsupportedConfigurationException(path + "/@model",
						"pcie-root-port needs a q35 machine; use q35 or remove the controller");
			}
			if (controller.type() == ControllerType.IDE && this.family == MachineFamily.Q35) {
				throw new UnsupportedConfigurationException(path, "q35 machines have no IDE controller; use sata");
			}
			if ((controller.type() == ControllerType.IDE || controller.type() == ControllerType.SATA
					|| controller.type() == ControllerType.FDC) && controller.index() != 0) {
				throw new UnsupportedConfigurationException(path + "/@index",
						"only one " + controller.type().xmlName() + " controller (index 0) is supported");
			}
		}
		if (!hasRoot) {
			this.controllers.add(0, Controller.of(ControllerType.PCI, 0, rootModel));
		}
		for (int i = 0; i < devices.disks().size(); i++) {
			Disk disk = devices.disks().get(i);
			if (disk.bus() == DiskBus.IDE && this.family == MachineFamily.Q35) {
				throw new UnsupportedConfigurationException("/domain/devices/disk[" + (i + 1) + "]/target/@bus",
						"q35 machines have no IDE bus; use sata");
			}
		}
		if (Loops.any(devices.disks(), (d) -> d.bus() == DiskBus.SCSI)) {
			addIfMissing(ControllerType.SCSI, "virtio-scsi");
		}
		if (Loops.any(devices.disks(), (d) -> d.bus() == DiskBus.SATA)) {
			addIfMissing(ControllerType.SATA, null);
		}
		if (Loops.any(devices.disks(), (d) -> d.bus() == DiskBus.IDE)) {
			addIfMissing(ControllerType.IDE, null);
		}
		if (Loops.any(devices.disks(), (d) -> d.bus() == DiskBus.FDC)) {
			// as libvirt: the floppy controller a floppy needs (built into i440FX, an
			// isa-fdc on Q35)
			addIfMissing(ControllerType.FDC, null);
		}
		if (!devices.channels().isEmpty() || Loops.any(devices.consoles(), (c) -> c.target() == ConsoleTarget.VIRTIO)) {
			addIfMissing(ControllerType.VIRTIO_SERIAL, null);
		}
		boolean usbNone = Loops.any(this.controllers, (c) -> c.is(ControllerType.USB, "none"));
		if (usbNone && Loops.any(devices.inputs(), (input) -> input.bus() == InputBus.USB)) {
			throw new InvalidConfigurationException("/domain/devices/input[1]/@bus",
					"a USB input needs a USB controller, but the USB controller model is 'none'");
		}
		// As libvirt: every x86 domain has a USB controller unless <controller type='usb'
		// model='none'/> says not.
		addIfMissing(ControllerType.USB, (this.family == MachineFamily.Q35) ? "qemu-xhci" : "piix3-uhci");
	}

	private void addIfMissing(ControllerType type, String model) {
		if (!Loops.any(this.controllers, (c) -> c.type() == type && c.index() == 0)) {
			this.controllers.add(Controller.of(type, 0, model));
		}
	}

	private void collectGivenAddresses(Devices devices) {
		Set<Integer> buses = new HashSet<>();
		buses.add(0);
		for (Controller controller : this.controllers) {
			if (controller.is(ControllerType.PCI, "pcie-root-port")) {
				buses.add(controller.index());
			}
		}
		List<Object[]> given = new ArrayList<>();
		for (int i = 0; i < this.controllers.size(); i++) {
			Controller controller = this.controllers.get(i);
			String path = "/domain/devices/controller[" + (i + 1) + "]/address";
			Optional<PciAddress> builtin = builtinAddress(controller);
			if (builtin.isPresent()) {
				// Part of the chipset: the address can only say where it already is.
				if (controller.address().isPresent() && !controller.address().get().equals(builtin.get())) {
					throw new InvalidConfigurationException(path, "this controller is built into the chipset at "
							+ builtin.get() + "; remove the address or give that one");
				}
				this.used.add(builtin.get());
				continue;
			}
			controller.address().ifPresent((a) -> given.add(new Object[] { a, path }));
		}
		collect(given, devices.disks(), "disk",
				(d) -> d.address().filter(PciAddress.class::isInstance).map(PciAddress.class::cast));
		collect(given, devices.interfaces(), "interface", NetInterface::address);
		collect(given, devices.videos(), "video", Video::address);
		collect(given, devices.inputs(), "input",
				(d) -> d.address().filter(PciAddress.class::isInstance).map(PciAddress.class::cast));
		collect(given, devices.watchdogs(), "watchdog", Watchdog::address);
		collect(given, devices.rngs(), "rng", Rng::address);
		collect(given, devices.sounds(), "sound", Sound::address);
		collect(given, devices.filesystems(), "filesystem", Filesystem::address);
		collect(given, devices.panics(), "panic", Panic::pciAddress);
		devices.memballoon()
			.flatMap(MemBalloon::address)
			.ifPresent((a) -> given.add(new Object[] { a, "/domain/devices/memballoon/address" }));
		devices.vsock()
			.flatMap(Vsock::address)
			.ifPresent((a) -> given.add(new Object[] { a, "/domain/devices/vsock/address" }));
		for (Object[] entry : given) {
			PciAddress address = (PciAddress) entry[0];
			String path = (String) entry[1];
			if (!buses.contains(address.bus())) {
				throw new InvalidConfigurationException(path + "/@bus", "there is no PCI bus " + address.bus()
						+ "; buses are 0 and the index of each pcie-root-port controller");
			}
			if (address.bus() == 0 && (address.slot() == 0 || (this.family == MachineFamily.PC && address.slot() == 1)
					|| (this.family == MachineFamily.Q35 && address.slot() == 0x1f))) {
				throw new InvalidConfigurationException(path + "/@slot",
						"slot " + address.slot() + " of the root bus belongs to the chipset");
			}
			if (address.bus() != 0 && address.slot() != 0) {
				throw new InvalidConfigurationException(path + "/@slot", "a pcie-root-port has only slot 0");
			}
			if (!this.used.add(slotKey(address))) {
				throw new InvalidConfigurationException(path, "PCI address " + address + " is used twice");
			}
		}
	}

	private static <T> void collect(List<Object[]> given, List<T> items, String element,
			Function<T, Optional<PciAddress>> address) {
		for (int i = 0; i < items.size(); i++) {
			int index = i;
			address.apply(items.get(i))
				.ifPresent((a) -> given
					.add(new Object[] { a, "/domain/devices/" + element + "[" + (index + 1) + "]/address" }));
		}
	}

	private static PciAddress slotKey(PciAddress address) {
		return new PciAddress(address.domain(), address.bus(), address.slot(), address.function(), false);
	}

	/** A free function-0 slot on the root bus, from {@code first}. */
	private PciAddress rootSlot(int first, String path) {
		for (int slot = first; slot <= MAX_SLOT; slot++) {
			if (slot == 0x1f && this.family == MachineFamily.Q35) {
				continue;
			}
			if (slot == 1 && this.family == MachineFamily.Q35 && first != 1) {
				continue;
			}
			PciAddress candidate = PciAddress.of(0, slot);
			if (!slotUsed(0, slot)) {
				this.used.add(candidate);
				return candidate;
			}
		}
		throw new UnsupportedConfigurationException(path, "no free PCI slot is left on the root bus");
	}

	private boolean slotUsed(int bus, int slot) {
		return Loops.any(this.used, (a) -> a.bus() == bus && a.slot() == slot);
	}

	/**
	 * An address for a conventional PCI device: the root bus. On i440FX from slot 2,
	 * which the primary video has already taken when there is one (videos are placed
	 * first), as libvirt does.
	 */
	private PciAddress conventional(String path) {
		return rootSlot(2, path);
	}

	/**
	 * An address for a PCI Express capable device: its own root port on Q35, the root bus
	 * on i440FX.
	 */
	private PciAddress express(String path) {
		if (this.family == MachineFamily.PC) {
			return rootSlot(2, path);
		}
		for (Controller controller : this.controllers) {
			if (controller.is(ControllerType.PCI, "pcie-root-port") && !slotUsed(controller.index(), 0)) {
				PciAddress address = PciAddress.of(controller.index(), 0);
				this.used.add(address);
				return address;
			}
		}
		int index = this.controllers.stream()
			.filter((c) -> c.type() == ControllerType.PCI)
			.mapToInt(Controller::index)
			.max()
			.orElse(0) + 1;
		if (index > 255) {
			throw new UnsupportedConfigurationException(path, "no PCI bus number is left for another root port");
		}
		Controller port = Controller.of(ControllerType.PCI, index, "pcie-root-port").withAddress(rootSlot(2, path));
		this.controllers.add(port);
		PciAddress address = PciAddress.of(index, 0);
		this.used.add(address);
		return address;
	}

}
