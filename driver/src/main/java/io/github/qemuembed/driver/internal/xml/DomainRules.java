package io.github.qemuembed.driver.internal.xml;

import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * The validation side (libvirt's {@code domain_validate.c} / {@code qemu_validate.c}):
 * rules that span several elements, checked on the parsed model: memory against the
 * balloon, firmware and kernel pieces, topology against the vCPU count, duplicates, boot
 * order, console/serial consistency, PCI addresses.
 */
final class DomainRules {

	private DomainRules() {
	}

	static void check(DomainDefinition def) {
		memory(def);
		os(def.os());
		if (def.os().smbiosMode().filter("sysinfo"::equals).isPresent() && def.sysinfo().isEmpty()) {
			throw new InvalidConfigurationException("/domain/os/smbios/@mode",
					"<smbios mode='sysinfo'/> needs a <sysinfo type='smbios'> with the strings");
		}
		devices(def);
		cpu(def);
	}

	private static void memory(DomainDefinition def) {
		if (def.currentMemoryKiB() > def.memoryKiB()) {
			throw new InvalidConfigurationException("/domain/currentMemory", "currentMemory (" + def.currentMemoryKiB()
					+ " KiB) is larger than memory (" + def.memoryKiB() + " KiB)");
		}
		if (def.currentMemoryKiB() < def.memoryKiB()
				&& def.devices().memballoon().map((balloon) -> !balloon.present()).orElse(false)) {
			// the balloon is what gives a guest less than <memory> at start; without it
			// the value could not be honoured
			throw new UnsupportedConfigurationException("/domain/currentMemory",
					"currentMemory below memory needs a "
							+ "memory balloon, and <memballoon model='none'/> removes it: drop <currentMemory> or use "
							+ "<memballoon model='virtio'/>");
		}
	}

	private static void os(OsConfig os) {
		if (os.initrd().isPresent() && os.kernel().isEmpty()) {
			throw new InvalidConfigurationException("/domain/os/initrd", "<initrd> needs a <kernel>");
		}
		if (os.cmdline().isPresent() && os.kernel().isEmpty()) {
			throw new InvalidConfigurationException("/domain/os/cmdline", "<cmdline> needs a <kernel>");
		}
		boolean efi = os.firmware().map(FirmwareRequest::efi).orElse(false);
		boolean pflash = os.loader().map((loader) -> loader.type() == LoaderType.PFLASH).orElse(false);
		if (os.nvram().isPresent() && !pflash && !(efi && os.loader().isEmpty())) {
			throw new InvalidConfigurationException("/domain/os/nvram",
					"<nvram> needs a <loader type='pflash'> or <os firmware='efi'>");
		}
		if (os.firmware().isPresent() && !efi && pflash) {
			throw new InvalidConfigurationException("/domain/os/@firmware",
					"firmware='bios' does not go with a pflash <loader>; use firmware='efi' or a rom loader");
		}
		if (os.nvram().map(Nvram::derived).orElse(false) && os.nvram().get().template().isEmpty() && !efi) {
			throw new InvalidConfigurationException("/domain/os/nvram",
					"an <nvram/> without a path needs a template='...' to start from, or <os firmware='efi'>");
		}
	}

	private static void cpu(DomainDefinition def) {
		def.cpu().flatMap(CpuConfig::topology).ifPresent((topology) -> {
			if (topology.total() != def.vcpus()) {
				throw new InvalidConfigurationException("/domain/cpu/topology", "sockets x dies x cores x threads = "
						+ topology.total() + " must equal the vCPU count (" + def.vcpus() + ")");
			}
		});
		List<NumaCell> cells = def.cpu().map(CpuConfig::numa).orElse(List.of());
		for (NumaCell cell : cells) {
			cell.cpus()
				.map((cpus) -> CpuSets.parse("", cpus).length() - 1)
				.filter((max) -> max >= def.vcpus())
				.ifPresent((max) -> {
					throw new InvalidConfigurationException("/domain/cpu/numa/cell[" + (cell.id() + 1) + "]/@cpus",
							"vCPU " + max + " is not below the vCPU count (" + def.vcpus() + ")");
				});
		}
		List<MemoryBacking.NodePages> nodePages = def.memoryBacking().map(MemoryBacking::nodePages).orElse(List.of());
		for (int i = 0; i < nodePages.size(); i++) {
			int last = CpuSets.parse("", nodePages.get(i).nodeset()).length() - 1;
			if (last >= Math.max(1, cells.size())) {
				throw new InvalidConfigurationException("/domain/memoryBacking/hugepages/page/@nodeset",
						"there is no guest NUMA node " + last
								+ (cells.isEmpty() ? "; without <cpu><numa> cells the guest has node 0 only"
										: "; the nodes are the <cpu><numa> cells 0 to " + (cells.size() - 1)));
			}
		}
		if (!cells.isEmpty() && cells.stream().mapToLong(NumaCell::memoryKiB).sum() != def.memoryKiB()) {
			// the reader sets <memory> to the cells' sum, as libvirt does; a definition
			// built otherwise is wrong
			throw new InvalidConfigurationException("/domain/memory",
					"memory (" + def.memoryKiB() + " KiB) is not the sum of the NUMA cells' memory");
		}
	}

	private static void devices(DomainDefinition def) {
		Devices devices = def.devices();
		String base = "/domain/devices/";
		Map<Object, String> seen = new HashMap<>();
		Map<Object, String> boot = new HashMap<>();
		Map<Object, String> pci = new HashMap<>();
		for (int i = 0; i < devices.disks().size(); i++) {
			Disk disk = devices.disks().get(i);
			String path = base + "disk[" + (i + 1) + "]";
			unique(seen, "target:" + disk.targetDev(), path + "/target/@dev", "target '" + disk.targetDev() + "'");
			disk.bootOrder().ifPresent((order) -> unique(boot, order, path + "/boot/@order", "boot order " + order));
			disk.address().ifPresent((address) -> {
				if (address instanceof PciAddress p) {
					unique(pci, p, path + "/address", "PCI address " + p);
				}
				else {
					unique(seen, disk.bus() + ":" + address, path + "/address", "drive address");
				}
			});
		}
		for (int i = 0; i < devices.disks().size(); i++) {
			Optional<Integer> thread = devices.disks().get(i).driver().iothread();
			if (thread.isPresent() && !def.iothreads().contains(thread.get())) {
				throw new InvalidConfigurationException(base + "disk[" + (i + 1) + "]/driver/@iothread",
						"there is no iothread " + thread.get() + "; define it with <iothreads> (threads "
								+ def.iothreads() + ")");
			}
		}
		for (int i = 0; i < devices.controllers().size(); i++) {
			Optional<Integer> thread = devices.controllers().get(i).driver().flatMap(ControllerDriver::iothread);
			if (thread.isPresent() && !def.iothreads().contains(thread.get())) {
				throw new InvalidConfigurationException(base + "controller[" + (i + 1) + "]/driver/@iothread",
						"there is no iothread " + thread.get() + "; define it with <iothreads> (threads "
								+ def.iothreads() + ")");
			}
		}
		if (!devices.spiceAudios().isEmpty() && !Loops.any(devices.graphics(), Graphics::isSpice)) {
			// QEMU's SPICE audio backend plays through the SPICE server
			throw new InvalidConfigurationException(base + "audio",
					"<audio type='spice'> needs <graphics type='spice'>");
		}
		Map<String, IoTune> groups = new HashMap<>();
		for (int i = 0; i < devices.disks().size(); i++) {
			Optional<IoTune> iotune = devices.disks().get(i).iotune();
			if (iotune.isPresent() && iotune.get().group().isPresent()) {
				IoTune first = groups.putIfAbsent(iotune.get().group().get(), iotune.get());
				if (first != null && !first.limits().equals(iotune.get().limits())) {
					// one QEMU throttle group has one set of limits
					throw new InvalidConfigurationException(base + "disk[" + (i + 1) + "]/iotune",
							"the disks of group '" + iotune.get().group().get()
									+ "' share their limits; give each the same ones");
				}
			}
		}
		for (int i = 0; i < devices.interfaces().size(); i++) {
			NetInterface nic = devices.interfaces().get(i);
			String path = base + "interface[" + (i + 1) + "]";
			unique(seen, "mac:" + nic.mac(), path + "/mac/@address", "MAC address " + nic.mac());
			nic.bootOrder().ifPresent((order) -> unique(boot, order, path + "/boot/@order", "boot order " + order));
			nic.address().ifPresent((p) -> unique(pci, p, path + "/address", "PCI address " + p));
		}
		if (!boot.isEmpty() && !def.os().boot().isEmpty()) {
			throw new InvalidConfigurationException("/domain/os/boot[1]",
					"per-device <boot order> cannot be combined with <os><boot dev>; use one or the other");
		}
		for (int i = 0; i < devices.controllers().size(); i++) {
			Controller controller = devices.controllers().get(i);
			String path = base + "controller[" + (i + 1) + "]";
			if (controller.isCompanion()) {
				// a UHCI companion shares its EHCI master's index; what it must not share
				// is the master's ports
				unique(seen, "companion:" + controller.index() + ":" + controller.masterStartport().get(),
						path + "/master/@startport", "USB companion start port " + controller.masterStartport().get());
			}
			else {
				unique(seen, "controller:" + controller.type() + ":" + controller.index(), path + "/@index",
						"controller " + controller.type().xmlName() + " index " + controller.index());
			}
			controller.address().ifPresent((p) -> unique(pci, p, path + "/address", "PCI address " + p));
		}
		for (int i = 0; i < devices.serials().size(); i++) {
			CharDevice serial = devices.serials().get(i);
			int port = serial.port().orElse(i);
			unique(seen, "serial:" + port, base + "serial[" + (i + 1) + "]/target/@port", "serial port " + port);
		}
		for (int i = 0; i < devices.consoles().size(); i++) {
			CharDevice console = devices.consoles().get(i);
			String path = base + "console[" + (i + 1) + "]";
			if (console.target() == ConsoleTarget.SERIAL) {
				int port = console.port().orElse(0);
				CharDevice serial = devices.serials()
					.stream()
					.filter((candidate) -> candidate.port().orElse(devices.serials().indexOf(candidate)) == port)
					.findFirst()
					.orElse(null);
				if (serial != null && !sameBackend(serial, console)) {
					throw new InvalidConfigurationException(path, "a serial console is the same device as serial port "
							+ port + " and must have the same type and source");
				}
				if (serial == null && !devices.serials().isEmpty()) {
					throw new InvalidConfigurationException(path + "/target/@port",
							"no <serial> has port " + port + " for this console");
				}
				unique(seen, "console-serial:" + port, path, "a serial console on port " + port);
			}
		}
		for (int i = 0; i < devices.channels().size(); i++) {
			Channel channel = devices.channels().get(i);
			String path = base + "channel[" + (i + 1) + "]";
			unique(seen, "channel:" + channel.targetName(), path + "/target/@name",
					"channel name '" + channel.targetName() + "'");
			channel.address().ifPresent((a) -> unique(seen, a, path + "/address", "virtio-serial port " + a.port()));
		}
		boolean spice = Loops.any(devices.graphics(), Graphics::isSpice);
		for (int i = 0; i < devices.channels().size(); i++) {
			if (devices.channels().get(i).spicevmc() && !spice) {
				throw new InvalidConfigurationException(base + "channel[" + (i + 1) + "]/@type",
						"a spicevmc channel needs <graphics type='spice'>");
			}
		}
		if (!devices.redirdevs().isEmpty() && !spice) {
			throw new InvalidConfigurationException(base + "redirdev[1]/@type",
					"USB redirection over spicevmc needs <graphics type='spice'>");
		}
		for (int i = 0; i < devices.sounds().size(); i++) {
			int index = i;
			devices.sounds()
				.get(i)
				.address()
				.ifPresent((p) -> unique(pci, p, base + "sound[" + (index + 1) + "]/address", "PCI address " + p));
		}
		boolean sharedMemory = def.memoryBacking().map(MemoryBacking::shared).orElse(false);
		for (int i = 0; i < devices.filesystems().size(); i++) {
			int index = i;
			Filesystem fs = devices.filesystems().get(i);
			String path = base + "filesystem[" + (i + 1) + "]";
			if (!sharedMemory) {
				// virtiofsd maps the guest's RAM; libvirt refuses the same
				throw new InvalidConfigurationException(path, "virtiofs needs shared guest memory: add <memoryBacking>"
						+ "<source type='memfd'/><access mode='shared'/></memoryBacking>");
			}
			unique(seen, "fs-tag:" + fs.tag(), path + "/target/@dir", "virtiofs tag '" + fs.tag() + "'");
			fs.address().ifPresent((p) -> unique(pci, p, path + "/address", "PCI address " + p));
			if (index > 7) {
				throw new UnsupportedConfigurationException(path, "at most 8 <filesystem> are supported");
			}
		}
		if (devices.tpms().size() > 1) {
			throw new UnsupportedConfigurationException(base + "tpm[2]", "only one <tpm> is supported");
		}
		if (devices.graphics().size() > 1) {
			throw new UnsupportedConfigurationException(base + "graphics[2]", "only one <graphics> is supported");
		}
		if (devices.watchdogs().size() > 1) {
			throw new UnsupportedConfigurationException(base + "watchdog[2]", "only one <watchdog> is supported");
		}
		int primaries = 0;
		for (int i = 0; i < devices.videos().size(); i++) {
			Video video = devices.videos().get(i);
			String path = base + "video[" + (i + 1) + "]";
			if (video.model().equals("none") && devices.videos().size() > 1) {
				throw new InvalidConfigurationException(path,
						"video model 'none' cannot be combined with other videos");
			}
			if (video.primary() && ++primaries > 1) {
				throw new InvalidConfigurationException(path + "/model/@primary", "only one video can be primary");
			}
			if (i > 0 && !video.model().equals("virtio")) {
				throw new UnsupportedConfigurationException(path + "/model/@type",
						"secondary video devices must be virtio");
			}
			video.address().ifPresent((p) -> unique(pci, p, path + "/address", "PCI address " + p));
		}
		for (int i = 0; i < devices.inputs().size(); i++) {
			Input input = devices.inputs().get(i);
			String path = base + "input[" + (i + 1) + "]";
			if (input.address().orElse(null) instanceof PciAddress p) {
				unique(pci, p, path + "/address", "PCI address " + p);
			}
		}
		for (int i = 0; i < devices.rngs().size(); i++) {
			int index = i;
			devices.rngs()
				.get(i)
				.address()
				.ifPresent((p) -> unique(pci, p, base + "rng[" + (index + 1) + "]/address", "PCI address " + p));
		}
		devices.memballoon()
			.flatMap(MemBalloon::address)
			.ifPresent((p) -> unique(pci, p, base + "memballoon/address", "PCI address " + p));
		for (int i = 0; i < devices.watchdogs().size(); i++) {
			int index = i;
			devices.watchdogs()
				.get(i)
				.address()
				.ifPresent((p) -> unique(pci, p, base + "watchdog[" + (index + 1) + "]/address", "PCI address " + p));
		}
		devices.vsock()
			.flatMap(Vsock::address)
			.ifPresent((p) -> unique(pci, p, base + "vsock/address", "PCI address " + p));
		for (int i = 0; i < devices.panics().size(); i++) {
			Panic panic = devices.panics().get(i);
			String path = base + "panic[" + (i + 1) + "]";
			if (!seen.containsKey("panic:" + panic.model())) {
				seen.put("panic:" + panic.model(), path);
			}
			else {
				throw new UnsupportedConfigurationException(path,
						"only one <panic model='" + panic.model().xmlName() + "'> is supported (one device per model)");
			}
			panic.pciAddress().ifPresent((p) -> unique(pci, p, path + "/address", "PCI address " + p));
		}
		if (def.os().loader().map((loader) -> loader.type() == LoaderType.PFLASH).orElse(false)
				&& def.os().nvram().isEmpty() && def.os().loader().get().readonly()
				&& !def.os().firmware().map(FirmwareRequest::efi).orElse(false)) {
			throw new InvalidConfigurationException("/domain/os/nvram",
					"a read-only pflash <loader> needs an <nvram> with the path of the domain's variable store");
		}
		// Checks buses, slots and machine-specific devices now, at define time, rather
		// than at the first start.
		PciTopology.assign(def);
	}

	private static boolean sameBackend(CharDevice serial, CharDevice console) {
		return serial.type() == console.type() && serial.path().equals(console.path())
				&& serial.host().equals(console.host()) && serial.service().equals(console.service())
				&& serial.mode().equals(console.mode()) && serial.telnet() == console.telnet();
	}

	private static void unique(Map<Object, String> seen, Object key, String path, String what) {
		String previous = seen.putIfAbsent(key, path);
		if (previous != null) {
			throw new InvalidConfigurationException(path, what + " is already used by " + previous);
		}
	}

}
