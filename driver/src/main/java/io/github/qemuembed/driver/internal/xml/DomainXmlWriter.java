package io.github.qemuembed.driver.internal.xml;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Writes the model back as libvirt domain XML. */
final class DomainXmlWriter {

	private final XmlOut out = new XmlOut();

	private final boolean includeSecrets;

	private DomainXmlWriter(boolean includeSecrets) {
		this.includeSecrets = includeSecrets;
	}

	static String write(DomainDefinition def, boolean includeSecrets) {
		DomainXmlWriter writer = new DomainXmlWriter(includeSecrets);
		writer.domain(def);
		return writer.out.toString();
	}

	private void domain(DomainDefinition def) {
		this.out.start("domain").attr("type", def.type().xmlName());
		if (!def.commandline().isEmpty()) {
			this.out.attr("xmlns:qemu", QemuCommandline.NAMESPACE);
		}
		this.out.text("name", def.name());
		this.out.text("uuid", def.uuid());
		def.title().ifPresent((title) -> this.out.text("title", title));
		def.description().ifPresent((text) -> this.out.text("description", text));
		def.metadata().ifPresent((metadata) -> {
			this.out.start("metadata");
			if (!metadata.isEmpty()) {
				this.out.raw(metadata);
			}
			this.out.end();
		});
		this.out.start("memory").attr("unit", "KiB").textAndEnd(def.memoryKiB());
		this.out.start("currentMemory").attr("unit", "KiB").textAndEnd(def.currentMemoryKiB());
		this.out.start("vcpu")
			.attr("placement", "static")
			.attr("cpuset", def.vcpu().cpuset().orElse(null))
			.attr("current", def.vcpu().current().orElse(null))
			.textAndEnd(def.vcpus());
		if (!def.iothreads().isEmpty()) {
			this.out.text("iothreads", def.iothreads().size());
			this.out.start("iothreadids");
			def.iothreads().forEach((id) -> this.out.start("iothread").attr("id", id).end());
			this.out.end();
		}
		def.memoryBacking().ifPresent((backing) -> {
			this.out.start("memoryBacking");
			if (backing.hugepages()) {
				this.out.start("hugepages");
				backing.hugepageKiB()
					.ifPresent((kib) -> this.out.start("page").attr("size", kib).attr("unit", "KiB").end());
				backing.nodePages()
					.forEach((pages) -> this.out.start("page")
						.attr("size", pages.pageKiB())
						.attr("unit", "KiB")
						.attr("nodeset", pages.nodeset())
						.end());
				this.out.end();
			}
			this.out.start("source").attr("type", backing.source()).end();
			this.out.start("access").attr("mode", backing.shared() ? "shared" : "private").end();
			this.out.end();
		});
		def.sysinfo().ifPresent(this::sysinfo);
		os(def.os());
		Features features = def.features();
		if (!features.equals(Features.NONE)) {
			this.out.start("features");
			if (features.acpi()) {
				this.out.start("acpi").end();
			}
			if (features.apic()) {
				this.out.start("apic")
					.attr("eoi", features.apicEoi().map((on) -> on ? "on" : "off").orElse(null))
					.end();
			}
			if (features.pae()) {
				this.out.start("pae").end();
			}
			if (!features.hyperv().isEmpty()) {
				this.out.start("hyperv").attr("mode", "custom");
				for (HypervFeature feature : features.hyperv()) {
					this.out.start(feature.name()).attr("state", feature.on() ? "on" : "off");
					feature.value()
						.ifPresent((value) -> this.out.attr(feature.name().equals("spinlocks") ? "retries" : "value",
								value));
					feature.direct()
						.ifPresent((direct) -> this.out.start("direct").attr("state", direct ? "on" : "off").end());
					this.out.end();
				}
				this.out.end();
			}
			features.vmport().ifPresent((state) -> this.out.start("vmport").attr("state", state ? "on" : "off").end());
			this.out.end();
		}
		def.cpu().ifPresent(this::cpu);
		def.clock().ifPresent((clock) -> {
			this.out.start("clock").attr("offset", clock.offset().xmlName());
			for (ClockTimer timer : clock.timers()) {
				this.out.start("timer")
					.attr("name", timer.name())
					.attr("tickpolicy", timer.tickpolicy().orElse(null))
					.attr("present", timer.present().map((present) -> present ? "yes" : "no").orElse(null))
					.end();
			}
			this.out.end();
		});
		if (!def.pm().equals(PowerManagement.DEFAULT)) {
			this.out.start("pm");
			def.pm()
				.suspendToMem()
				.ifPresent((enabled) -> this.out.start("suspend-to-mem").attr("enabled", enabled ? "yes" : "no").end());
			def.pm()
				.suspendToDisk()
				.ifPresent(
						(enabled) -> this.out.start("suspend-to-disk").attr("enabled", enabled ? "yes" : "no").end());
			this.out.end();
		}
		this.out.text("on_poweroff", def.onPoweroff().xmlName());
		this.out.text("on_reboot", def.onReboot().xmlName());
		this.out.text("on_crash", def.onCrash().xmlName());
		devices(def.devices());
		if (!def.commandline().isEmpty()) {
			this.out.start("qemu:commandline");
			for (String arg : def.commandline().args()) {
				this.out.start("qemu:arg").attr("value", arg).end();
			}
			for (Map.Entry<String, String> env : def.commandline().env().entrySet()) {
				this.out.start("qemu:env").attr("name", env.getKey()).attr("value", env.getValue()).end();
			}
			this.out.end();
		}
		this.out.end();
	}

	private void os(OsConfig os) {
		this.out.start("os").attr("firmware", os.firmware().map(FirmwareRequest::type).orElse(null));
		this.out.start("type").attr("arch", os.arch()).attr("machine", os.machine().orElse(null)).textAndEnd("hvm");
		os.firmware().filter((firmware) -> !firmware.features().isEmpty()).ifPresent((firmware) -> {
			this.out.start("firmware");
			firmware.features()
				.entrySet()
				.stream()
				.sorted(Map.Entry.comparingByKey())
				.forEach((feature) -> this.out.start("feature")
					.attr("enabled", feature.getValue() ? "yes" : "no")
					.attr("name", feature.getKey())
					.end());
			this.out.end();
		});
		os.loader()
			.ifPresent((loader) -> this.out.start("loader")
				.attr("readonly", loader.readonly() ? "yes" : "no")
				.attr("secure", loader.secure() ? "yes" : null)
				.attr("type", loader.type().xmlName())
				.textAndEnd(loader.path()));
		os.nvram().ifPresent((nvram) -> {
			this.out.start("nvram").attr("template", nvram.template().orElse(null));
			if (nvram.derived()) {
				this.out.end();
			}
			else {
				this.out.textAndEnd(nvram.path());
			}
		});
		os.kernel().ifPresent((kernel) -> this.out.text("kernel", kernel));
		os.initrd().ifPresent((initrd) -> this.out.text("initrd", initrd));
		os.cmdline().ifPresent((cmdline) -> this.out.text("cmdline", cmdline));
		os.bootMenu()
			.ifPresent((menu) -> this.out.start("bootmenu")
				.attr("enable", menu.enable() ? "yes" : "no")
				.attr("timeout", menu.timeout().orElse(null))
				.end());
		os.smbiosMode().ifPresent((mode) -> this.out.start("smbios").attr("mode", mode).end());
		for (BootDevice boot : os.boot()) {
			this.out.start("boot").attr("dev", boot.xmlName()).end();
		}
		this.out.end();
	}

	private void sysinfo(Sysinfo sysinfo) {
		this.out.start("sysinfo").attr("type", "smbios");
		sysinfoBlock("bios", sysinfo.bios());
		sysinfoBlock("system", sysinfo.system());
		sysinfoBlock("baseBoard", sysinfo.baseBoard());
		sysinfoBlock("chassis", sysinfo.chassis());
		if (!sysinfo.oemStrings().isEmpty()) {
			this.out.start("oemStrings");
			sysinfo.oemStrings().forEach((value) -> this.out.text("entry", value));
			this.out.end();
		}
		this.out.end();
	}

	private void sysinfoBlock(String name, Map<String, String> entries) {
		if (!entries.isEmpty()) {
			this.out.start(name);
			entries.forEach((key, value) -> this.out.start("entry").attr("name", key).textAndEnd(value));
			this.out.end();
		}
	}

	private void cpu(CpuConfig cpu) {
		this.out.start("cpu")
			.attr("mode", cpu.mode().xmlName())
			.attr("migratable", cpu.migratable().map((value) -> value ? "on" : "off").orElse(null));
		cpu.model().ifPresent((model) -> this.out.start("model").attr("fallback", "forbid").textAndEnd(model));
		cpu.topology()
			.ifPresent((t) -> this.out.start("topology")
				.attr("sockets", t.sockets())
				.attr("dies", t.dies())
				.attr("cores", t.cores())
				.attr("threads", t.threads())
				.end());
		cpu.cache()
			.ifPresent((mode) -> this.out.start("cache")
				.attr("level", mode.equals("emulate") ? 3 : null)
				.attr("mode", mode)
				.end());
		for (CpuFeature feature : cpu.features()) {
			this.out.start("feature").attr("policy", feature.policy()).attr("name", feature.name()).end();
		}
		if (!cpu.numa().isEmpty()) {
			this.out.start("numa");
			for (NumaCell cell : cpu.numa()) {
				this.out.start("cell")
					.attr("id", cell.id())
					.attr("cpus", cell.cpus().orElse(null))
					.attr("memory", cell.memoryKiB())
					.attr("unit", "KiB")
					.attr("memAccess", cell.memAccess().orElse(null));
				if (!cell.distances().isEmpty()) {
					this.out.start("distances");
					new TreeMap<>(cell.distances())
						.forEach((id, value) -> this.out.start("sibling").attr("id", id).attr("value", value).end());
					this.out.end();
				}
				this.out.end();
			}
			this.out.end();
		}
		this.out.end();
	}

	private void devices(Devices devices) {
		this.out.start("devices");
		devices.emulator().ifPresent((emulator) -> this.out.text("emulator", emulator));
		devices.disks().forEach(this::disk);
		devices.controllers().forEach(this::controller);
		devices.interfaces().forEach(this::netInterface);
		devices.serials().forEach((serial) -> charDevice("serial", serial));
		devices.consoles().forEach((console) -> charDevice("console", console));
		devices.channels().forEach(this::channel);
		devices.inputs().forEach(this::input);
		devices.graphics().forEach(this::graphics);
		devices.sounds().forEach((sound) -> {
			this.out.start("sound").attr("model", sound.model());
			address(sound.address());
			this.out.end();
		});
		devices.audioIds()
			.forEach((id) -> this.out.start("audio")
				.attr("id", id)
				.attr("type", devices.spiceAudios().contains(id) ? "spice" : "none")
				.end());
		devices.videos().forEach(this::video);
		devices.watchdogs().forEach((watchdog) -> {
			this.out.start("watchdog").attr("model", watchdog.model()).attr("action", watchdog.action().xmlName());
			address(watchdog.address());
			this.out.end();
		});
		devices.memballoon().ifPresent((balloon) -> {
			this.out.start("memballoon").attr("model", balloon.model());
			address(balloon.address());
			this.out.end();
		});
		devices.rngs().forEach((rng) -> {
			this.out.start("rng").attr("model", "virtio");
			this.out.start("backend").attr("model", "random").textAndEnd(rng.backendPath());
			address(rng.address());
			this.out.end();
		});
		devices.panics().forEach((panic) -> {
			this.out.start("panic").attr("model", panic.model().xmlName());
			address(panic.address());
			this.out.end();
		});
		devices.filesystems().forEach((fs) -> {
			this.out.start("filesystem").attr("type", "mount").attr("accessmode", "passthrough");
			this.out.start("driver").attr("type", "virtiofs").end();
			this.out.start("source").attr("dir", fs.sourceDir()).end();
			this.out.start("target").attr("dir", fs.tag()).end();
			address(fs.address());
			this.out.end();
		});
		devices.tpms()
			.forEach((tpm) -> this.out.start("tpm")
				.attr("model", tpm.model())
				.start("backend")
				.attr("type", "emulator")
				.attr("version", "2.0")
				.end()
				.end());
		devices.redirdevs().forEach((redirdev) -> {
			this.out.start("redirdev").attr("bus", "usb").attr("type", "spicevmc");
			address(redirdev.address());
			this.out.end();
		});
		devices.vsock().ifPresent((vsock) -> {
			this.out.start("vsock").attr("model", "virtio");
			this.out.start("cid").attr("auto", "no").attr("address", vsock.cid()).end();
			address(vsock.address());
			this.out.end();
		});
		this.out.end();
	}

	private void disk(Disk disk) {
		this.out.start("disk").attr("type", disk.type().xmlName()).attr("device", disk.device().xmlName());
		DiskDriver driver = disk.driver();
		this.out.start("driver")
			.attr("name", "qemu")
			.attr("type", driver.format().xmlName())
			.attr("cache", driver.cache().map(XmlEnum::xmlName).orElse(null))
			.attr("discard", driver.discard().map(XmlEnum::xmlName).orElse(null))
			.attr("io", driver.io().orElse(null))
			.attr("iothread", driver.iothread().orElse(null))
			.end();
		disk.source().ifPresent((source) -> {
			this.out.start("source")
				.attr("file", source.file().orElse(null))
				.attr("dev", source.dev().orElse(null))
				.attr("pool", source.pool().orElse(null))
				.attr("volume", source.volume().orElse(null));
			source.network().ifPresent(this::networkSource);
			this.out.end();
		});
		this.out.start("target").attr("dev", disk.targetDev()).attr("bus", disk.bus().xmlName()).end();
		disk.bootOrder().ifPresent((order) -> this.out.start("boot").attr("order", order).end());
		if (disk.readonly() && disk.device() != DiskDevice.CDROM) {
			this.out.start("readonly").end();
		}
		if (disk.shareable()) {
			this.out.start("shareable").end();
		}
		disk.serial().ifPresent((serial) -> this.out.text("serial", serial));
		disk.encryption().ifPresent((encryption) -> {
			this.out.start("encryption").attr("format", encryption.format());
			this.out.start("secret").attr("type", "passphrase").attr("uuid", encryption.secret()).end();
			this.out.end();
		});
		for (BackingImage image : disk.backingChain()) {
			this.out.start("backingStore").attr("type", image.type().xmlName());
			this.out.start("format").attr("type", image.format().xmlName()).end();
			this.out.start("source").attr(image.type() == DiskType.BLOCK ? "dev" : "file", image.path()).end();
		}
		if (disk.noBackingStore()) {
			this.out.start("backingStore").end();
		}
		disk.backingChain().forEach((image) -> this.out.end());
		disk.iotune().ifPresent((iotune) -> {
			this.out.start("iotune");
			iotune.limits().forEach((name, value) -> this.out.text(name, value));
			iotune.group().ifPresent((group) -> this.out.text("group_name", group));
			this.out.end();
		});
		address(disk.address());
		this.out.end();
	}

	private void networkSource(NetworkSource source) {
		this.out.attr("protocol", source.protocol())
			.attr("name", source.name().orElse(null))
			.attr("query", source.query().orElse(null));
		NetworkSource.Host host = source.host();
		if (host.socket().isPresent()) {
			this.out.start("host").attr("transport", "unix").attr("socket", host.socket().get()).end();
		}
		else {
			this.out.start("host").attr("name", host.name().orElse(null)).attr("port", host.port().orElse(null)).end();
		}
		source.sslVerify().ifPresent((verify) -> this.out.start("ssl").attr("verify", verify ? "yes" : "no").end());
	}

	private void controller(Controller controller) {
		this.out.start("controller")
			.attr("type", controller.type().xmlName())
			.attr("index", controller.index())
			.attr("model", controller.model().orElse(null))
			.attr("ports", controller.ports().orElse(null));
		controller.masterStartport().ifPresent((start) -> this.out.start("master").attr("startport", start).end());
		controller.driver()
			.ifPresent((driver) -> this.out.start("driver")
				.attr("queues", driver.queues().orElse(null))
				.attr("cmd_per_lun", driver.cmdPerLun().orElse(null))
				.attr("max_sectors", driver.maxSectors().orElse(null))
				.attr("ioeventfd", driver.ioeventfd().map((on) -> on ? "on" : "off").orElse(null))
				.attr("iothread", driver.iothread().orElse(null))
				.end());
		if (controller.is(ControllerType.PCI, "pcie-root-port")) {
			this.out.start("model").attr("name", "pcie-root-port").end();
		}
		if (controller.chassis().isPresent() || controller.port().isPresent()) {
			this.out.start("target")
				.attr("chassis", controller.chassis().orElse(null))
				.attr("port", controller.port().map((port) -> String.format("0x%x", port)).orElse(null))
				.end();
		}
		address(controller.address());
		this.out.end();
	}

	private void netInterface(NetInterface nic) {
		this.out.start("interface").attr("type", nic.type().xmlName());
		this.out.start("mac").attr("address", nic.mac()).end();
		nic.source()
			.ifPresent((source) -> this.out.start("source")
				.attr(nic.type() == InterfaceType.NETWORK ? "network" : "bridge", source)
				.end());
		nic.targetDev().ifPresent((dev) -> this.out.start("target").attr("dev", dev).end());
		this.out.start("model").attr("type", nic.model()).end();
		if (nic.queues().isPresent() || nic.driverName().isPresent()) {
			this.out.start("driver")
				.attr("name", nic.driverName().orElse(null))
				.attr("queues", nic.queues().orElse(null))
				.end();
		}
		if (nic.passt()) {
			this.out.start("backend").attr("type", "passt").end();
		}
		nic.mtu().ifPresent((mtu) -> this.out.start("mtu").attr("size", mtu).end());
		for (PortForward forward : nic.portForwards()) {
			this.out.start("portForward")
				.attr("proto", forward.protocol().xmlName())
				.attr("address", forward.address().orElse(null))
				.attr("dev", forward.dev().orElse(null));
			for (PortForward.Range range : forward.ranges()) {
				this.out.start("range")
					.attr("start", range.start())
					.attr("end", range.end().orElse(null))
					.attr("to", range.to().orElse(null))
					.attr("exclude", range.exclude() ? "yes" : null)
					.end();
			}
			this.out.end();
		}
		nic.bootOrder().ifPresent((order) -> this.out.start("boot").attr("order", order).end());
		address(nic.address());
		this.out.end();
	}

	private void charDevice(String element, CharDevice device) {
		this.out.start(element).attr("type", device.type().xmlName());
		if (device.path().isPresent() || device.host().isPresent()) {
			this.out.start("source")
				.attr("mode", device.mode().map(XmlEnum::xmlName).orElse(null))
				.attr("path", device.path().orElse(null))
				.attr("host", device.host().orElse(null))
				.attr("service", device.service().orElse(null))
				.end();
		}
		if (device.type() == CharType.TCP) {
			this.out.start("protocol").attr("type", device.telnet() ? "telnet" : "raw").end();
		}
		if (element.equals("console")) {
			this.out.start("target")
				.attr("type", device.target().xmlName())
				.attr("port", device.port().orElse(null))
				.end();
		}
		else if (device.port().isPresent()) {
			this.out.start("target").attr("type", "isa-serial").attr("port", device.port().get());
			this.out.start("model").attr("name", "isa-serial").end();
			this.out.end();
		}
		this.out.end();
	}

	private void channel(Channel channel) {
		this.out.start("channel").attr("type", channel.spicevmc() ? "spicevmc" : "unix");
		channel.path().ifPresent((path) -> this.out.start("source").attr("mode", "bind").attr("path", path).end());
		this.out.start("target").attr("type", "virtio").attr("name", channel.targetName()).end();
		address(channel.address());
		this.out.end();
	}

	private void input(Input input) {
		this.out.start("input").attr("type", input.type().xmlName()).attr("bus", input.bus().xmlName());
		address(input.address());
		this.out.end();
	}

	private void graphics(Graphics graphics) {
		this.out.start("graphics").attr("type", graphics.type());
		if (!graphics.type().equals("none")) {
			this.out.attr("port", graphics.port().orElse(-1))
				.attr("autoport", graphics.autoport() ? "yes" : "no")
				.attr("listen", graphics.listen());
			if (this.includeSecrets) {
				this.out.attr("passwd", graphics.passwd().orElse(null));
			}
			this.out.start("listen").attr("type", "address").attr("address", graphics.listen()).end();
			graphics.imageCompression().ifPresent((value) -> this.out.start("image").attr("compression", value).end());
		}
		this.out.end();
	}

	private void video(Video video) {
		this.out.start("video");
		this.out.start("model")
			.attr("type", video.model())
			.attr("ram", video.ramKiB().orElse(null))
			.attr("vram", video.vramKiB().orElse(null))
			.attr("vgamem", video.vgamemKiB().orElse(null))
			.attr("heads", video.heads().orElse(null))
			.attr("primary", video.primary() ? "yes" : null)
			.end();
		address(video.address());
		this.out.end();
	}

	private void address(Optional<? extends DeviceAddress> address) {
		address.ifPresent((value) -> {
			this.out.start("address").attr("type", value.type());
			if (value instanceof PciAddress pci) {
				this.out.attr("domain", String.format("0x%04x", pci.domain()))
					.attr("bus", String.format("0x%02x", pci.bus()))
					.attr("slot", String.format("0x%02x", pci.slot()))
					.attr("function", String.format("0x%x", pci.function()))
					.attr("multifunction", pci.multifunction() ? "on" : null);
			}
			else if (value instanceof DriveAddress drive) {
				this.out.attr("controller", drive.controller())
					.attr("bus", drive.bus())
					.attr("target", drive.target())
					.attr("unit", drive.unit());
			}
			else if (value instanceof VirtioSerialAddress serial) {
				this.out.attr("controller", serial.controller()).attr("bus", serial.bus()).attr("port", serial.port());
			}
			else if (value instanceof UsbAddress usb) {
				this.out.attr("bus", usb.bus()).attr("port", usb.port());
			}
			else if (value instanceof IsaAddress isa) {
				this.out.attr("iobase", String.format("0x%x", isa.iobase()));
			}
			this.out.end();
		});
	}

}
