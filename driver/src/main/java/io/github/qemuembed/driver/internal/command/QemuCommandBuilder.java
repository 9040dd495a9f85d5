package io.github.qemuembed.driver.internal.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.SecondaryDriverException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.capabilities.QemuCapabilities;
import io.github.qemuembed.driver.internal.xml.BootDevice;
import io.github.qemuembed.driver.internal.xml.Channel;
import io.github.qemuembed.driver.internal.xml.CharDevice;
import io.github.qemuembed.driver.internal.xml.CharType;
import io.github.qemuembed.driver.internal.xml.ClockTimer;
import io.github.qemuembed.driver.internal.xml.ConsoleTarget;
import io.github.qemuembed.driver.internal.xml.Controller;
import io.github.qemuembed.driver.internal.xml.ControllerType;
import io.github.qemuembed.driver.internal.xml.CpuConfig;
import io.github.qemuembed.driver.internal.xml.CpuFeature;
import io.github.qemuembed.driver.internal.xml.CpuMode;
import io.github.qemuembed.driver.internal.xml.CpuTopology;
import io.github.qemuembed.driver.internal.xml.Devices;
import io.github.qemuembed.driver.internal.xml.Disk;
import io.github.qemuembed.driver.internal.xml.DiskBus;
import io.github.qemuembed.driver.internal.xml.DiskCache;
import io.github.qemuembed.driver.internal.xml.DiskDevice;
import io.github.qemuembed.driver.internal.xml.DiskDiscard;
import io.github.qemuembed.driver.internal.xml.DiskFormat;
import io.github.qemuembed.driver.internal.xml.DiskType;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DriveAddress;
import io.github.qemuembed.driver.internal.xml.Filesystem;
import io.github.qemuembed.driver.internal.xml.Graphics;
import io.github.qemuembed.driver.internal.xml.HypervFeature;
import io.github.qemuembed.driver.internal.xml.Input;
import io.github.qemuembed.driver.internal.xml.InputBus;
import io.github.qemuembed.driver.internal.xml.InterfaceType;
import io.github.qemuembed.driver.internal.xml.LifecycleAction;
import io.github.qemuembed.driver.internal.xml.LoaderType;
import io.github.qemuembed.driver.internal.xml.MachineFamily;
import io.github.qemuembed.driver.internal.xml.NetInterface;
import io.github.qemuembed.driver.internal.xml.Panic;
import io.github.qemuembed.driver.internal.xml.PciAddress;
import io.github.qemuembed.driver.internal.xml.Redirdev;
import io.github.qemuembed.driver.internal.xml.Rng;
import io.github.qemuembed.driver.internal.xml.Sound;
import io.github.qemuembed.driver.internal.xml.SourceMode;
import io.github.qemuembed.driver.internal.xml.Tpm;
import io.github.qemuembed.driver.internal.xml.UsbAddress;
import io.github.qemuembed.driver.internal.xml.Video;
import io.github.qemuembed.driver.internal.xml.VirtioSerialAddress;
import io.github.qemuembed.driver.internal.xml.Watchdog;

/**
 * Turns a definition and the emulator's capabilities into QEMU's command line: a pure
 * function, the same input always gives the same argv.
 *
 * <p>
 * Choices worth knowing:
 * <ul>
 * <li>{@code -S} always: the driver connects to the monitor, then sends
 * {@code cont}.</li>
 * <li>{@code -no-shutdown} only for {@code on_poweroff=preserve}: then QEMU stays
 * (stopped) after the guest powers off, which is what "preserve" asks for. For
 * {@code destroy} and {@code restart} QEMU exits and the driver sees the exit (and starts
 * again for restart). libvirt always passes {@code -no-shutdown} and kills QEMU itself;
 * letting QEMU exit is simpler and loses nothing here, as the driver gets the SHUTDOWN
 * event with its reason before the exit. {@code on_reboot=destroy} becomes
 * {@code -no-reboot}.</li>
 * <li>{@code -action panic=pause} when there is a {@code <panic>} device: QEMU stays,
 * paused, after {@code GUEST_PANICKED}, and the driver applies {@code on_crash} (keeps it
 * for {@code preserve}, ends it for {@code destroy} and {@code restart}). QEMU's own
 * default would power off and exit, which cannot preserve. libvirt gets the same with
 * {@code -no-shutdown}.</li>
 * <li>{@code pty} serials become UNIX socket chardevs in the private directory (live
 * console for the driver) that also append the output to the domain log.</li>
 * <li>Secrets never appear in argv: {@code -object secret} reads them from files the
 * driver writes.</li>
 * </ul>
 */
public final class QemuCommandBuilder {

	private final DomainDefinition def;

	private final QemuCapabilities caps;

	private final RunContext ctx;

	private final MachineFamily family;

	private final List<String> argv = new ArrayList<>();

	private final List<Path> serialSockets = new ArrayList<>();

	private final List<HelperProcess> helpers = new ArrayList<>();

	private final BlockNodes blockNodes = new BlockNodes();

	/** Debian's qemu-system-common ships the C virtiofsd here. */
	static final String VIRTIOFSD = "/usr/lib/qemu/virtiofsd";

	private QemuCommandBuilder(DomainDefinition def, QemuCapabilities caps, RunContext ctx, MachineFamily family) {
		this.def = def;
		this.caps = caps;
		this.ctx = ctx;
		this.family = family;
	}

	/**
	 * Builds the command line.
	 * @throws UnsupportedConfigurationException if the emulator lacks something the
	 * definition needs
	 * @throws SecondaryDriverException if a fact from a secondary driver is missing from
	 * {@code ctx}
	 */
	public static QemuCommand build(DomainDefinition def, QemuCapabilities caps, RunContext ctx) {
		String machine = caps.canonicalMachine(def.os().machine().orElse(caps.defaultMachine()));
		MachineFamily family = MachineFamily.of(machine);
		if (!caps.machineTypes().isEmpty() && !caps.machineTypes().contains(machine)) {
			throw new UnsupportedConfigurationException("/domain/os/type/@machine",
					"machine type '" + machine + "' is not supported by " + caps.emulator() + "; it has: "
							+ caps.machineTypes().stream().sorted().collect(Collectors.joining(", ")));
		}
		DomainDefinition assigned = FirmwareSelection.resolve(def.withAssignedAddresses(machine), machine, ctx);
		QemuCommandBuilder builder = new QemuCommandBuilder(assigned, caps, ctx, family);
		builder.build(machine);
		return new QemuCommand(builder.argv, assigned.commandline().env(), builder.serialSockets, assigned,
				builder.helpers);
	}

	/**
	 * The kinds of device {@link #deviceArgs} can build on their own, for hot-plugging.
	 */
	public enum HotplugKind {

		DISK, INTERFACE, CHANNEL

	}

	/**
	 * The options ({@code -blockdev}, {@code -object}, {@code -netdev}, {@code -chardev},
	 * {@code -device}, each followed by its value) that one device of {@code assigned} (a
	 * definition whose addresses are assigned) would have on a command line: what
	 * hot-plugging it sends over QMP, built by the same code as a start.
	 * @param position the device's position in its list of {@code assigned}
	 * @param idIndex the index its QEMU ids are numbered with ({@code net1},
	 * {@code channel2}; disks are named after their target)
	 */
	public static List<String> deviceArgs(DomainDefinition assigned, QemuCapabilities caps, RunContext ctx,
			HotplugKind kind, int position, int idIndex) {
		String machine = assigned.os().machine().orElse(caps.defaultMachine());
		QemuCommandBuilder builder = new QemuCommandBuilder(assigned, caps, ctx, MachineFamily.of(machine));
		Devices devices = assigned.devices();
		switch (kind) {
			case DISK -> builder.disk(devices.disks().get(position), "/domain/devices/disk[" + (position + 1) + "]");
			case INTERFACE -> builder.nic(devices.interfaces().get(position), idIndex,
					"/domain/devices/interface[" + (position + 1) + "]");
			case CHANNEL -> builder.channel(devices.channels().get(position), idIndex,
					"/domain/devices/channel[" + (position + 1) + "]");
		}
		return List.copyOf(builder.argv);
	}

	private void build(String machine) {
		add(this.ctx.emulator().toString());
		add("-name", "guest=" + escape(this.def.name()) + ",debug-threads=on");
		add("-S");
		add("-no-user-config");
		add("-nodefaults");
		add("-chardev",
				"socket,id=monitor,path=" + escape(this.ctx.monitorSocket().toString()) + ",server=on,wait=off");
		add("-mon", "chardev=monitor,mode=control");
		add("-pidfile", this.ctx.pidFile().toString());
		StringBuilder machineArg = new StringBuilder(machine).append(",usb=off");
		machineArg.append(",acpi=").append(this.def.features().acpi() ? "on" : "off");
		this.def.features().vmport().ifPresent((on) -> machineArg.append(",vmport=").append(on ? "on" : "off"));
		timer("hpet").flatMap(ClockTimer::present)
			.ifPresent((present) -> machineArg.append(",hpet=").append(present ? "on" : "off"));
		List<String> pflash = firmware(machineArg);
		GuestMemory memory = new GuestMemory(this.def, this.ctx);
		memory.machineOption().ifPresent((option) -> machineArg.append(',').append(option));
		add("-machine", machineArg.toString());
		add("-accel", (this.ctx.accel() == Accel.KVM) ? "kvm" : "tcg");
		pflash.forEach(this::add);
		cpu();
		add("-m", "size=" + this.def.memoryKiB() + "k");
		memory.backends().forEach(this::add);
		smp();
		memory.numa().forEach(this::add);
		this.def.iothreads()
			.forEach((id) -> add("-object",
					Json.object().put("qom-type", "iothread").put("id", "iothread" + id).toString()));
		add("-uuid", this.def.uuid().toString());
		SmbiosTables.args(this.def).forEach(this::add);
		this.def.clockOffset()
			.ifPresent((offset) -> add("-rtc",
					"base=" + offset.xmlName()
							+ (timer("rtc").flatMap(ClockTimer::tickpolicy).orElse("").equals("catchup")
									? ",driftfix=slew" : "")));
		timer("pit").flatMap(ClockTimer::tickpolicy).ifPresent((policy) -> {
			if (this.ctx.accel() == Accel.KVM) {
				add("-global", "kvm-pit.lost_tick_policy=" + policy);
			}
			else if (policy.equals("discard")) {
				throw new UnsupportedConfigurationException("/domain/clock/timer/@tickpolicy",
						"the PIT tick policy 'discard' needs KVM; under TCG QEMU's PIT delivers late ticks (delay)");
			}
		});
		String pmDevice = (this.family == MachineFamily.Q35) ? "ICH9-LPC" : "PIIX4_PM";
		this.def.pm().suspendToMem().ifPresent((on) -> add("-global", pmDevice + ".disable_s3=" + (on ? 0 : 1)));
		this.def.pm().suspendToDisk().ifPresent((on) -> add("-global", pmDevice + ".disable_s4=" + (on ? 0 : 1)));
		if (this.def.onPoweroff() == LifecycleAction.PRESERVE) {
			add("-no-shutdown");
		}
		if (this.def.onReboot() == LifecycleAction.DESTROY) {
			add("-no-reboot");
		}
		boot();
		Devices devices = this.def.devices();
		controllers(devices.controllers());
		for (int i = 0; i < devices.disks().size(); i++) {
			disk(devices.disks().get(i), "/domain/devices/disk[" + (i + 1) + "]");
		}
		for (int i = 0; i < devices.interfaces().size(); i++) {
			nic(devices.interfaces().get(i), i, "/domain/devices/interface[" + (i + 1) + "]");
		}
		serials(devices);
		channels(devices.channels());
		for (int i = 0; i < devices.inputs().size(); i++) {
			input(devices.inputs().get(i), i, "/domain/devices/input[" + (i + 1) + "]");
		}
		graphics(devices.graphics());
		devices.audioIds()
			.forEach((id) -> add("-audiodev",
					Json.object()
						.put("id", "audio" + id)
						.put("driver", devices.spiceAudios().contains(id) ? "spice" : "none")
						.toString()));
		sounds(devices);
		for (int i = 0; i < devices.videos().size(); i++) {
			video(devices.videos().get(i), i, "/domain/devices/video[" + (i + 1) + "]");
		}
		redirdevs(devices.redirdevs());
		devices.tpms().forEach(this::tpm);
		for (int i = 0; i < devices.filesystems().size(); i++) {
			filesystem(devices.filesystems().get(i), i, "/domain/devices/filesystem[" + (i + 1) + "]");
		}
		for (Watchdog watchdog : devices.watchdogs()) {
			device(Json.object().put("driver", watchdog.model()).put("id", "watchdog0"), watchdog.address(),
					"/domain/devices/watchdog[1]");
			add("-action", "watchdog=" + watchdog.action().xmlName());
		}
		panics(devices.panics());
		devices.memballoon()
			.filter((balloon) -> balloon.present())
			.ifPresent((balloon) -> device(Json.object().put("driver", "virtio-balloon-pci").put("id", "balloon0"),
					balloon.address(), "/domain/devices/memballoon"));
		for (int i = 0; i < devices.rngs().size(); i++) {
			Rng rng = devices.rngs().get(i);
			add("-object",
					Json.object()
						.put("qom-type", "rng-random")
						.put("id", "objrng" + i)
						.put("filename", rng.backendPath())
						.toString());
			device(Json.object().put("driver", "virtio-rng-pci").put("rng", "objrng" + i).put("id", "rng" + i),
					rng.address(), "/domain/devices/rng[" + (i + 1) + "]");
		}
		devices.vsock()
			.ifPresent((vsock) -> device(
					Json.object().put("driver", "vhost-vsock-pci").put("id", "vsock0").put("guest-cid", vsock.cid()),
					vsock.address(), "/domain/devices/vsock"));
		this.argv.addAll(this.def.commandline().args());
	}

	private List<String> firmware(StringBuilder machineArg) {
		List<String> args = new ArrayList<>();
		this.def.os().loader().ifPresent((loader) -> {
			if (loader.type() == LoaderType.ROM) {
				args.add("-bios");
				args.add(loader.path());
				return;
			}
			args.add("-blockdev");
			args.add(Json.object()
				.put("driver", "file")
				.put("filename", loader.path())
				.put("node-name", "pflash0-storage")
				.put("auto-read-only", true)
				.put("discard", "unmap")
				.toString());
			args.add("-blockdev");
			args.add(Json.object()
				.put("node-name", "pflash0-format")
				.put("read-only", loader.readonly())
				.put("driver", "raw")
				.put("file", "pflash0-storage")
				.toString());
			machineArg.append(",pflash0=pflash0-format");
			if (loader.secure()) {
				// Secure Boot firmware keeps its variables safe from the OS only with SMM
				// and a secure flash
				machineArg.append(",smm=on");
				args.add("-global");
				args.add("driver=cfi.pflash01,property=secure,value=on");
			}
			this.def.os().nvram().ifPresent((nvram) -> {
				args.add("-blockdev");
				args.add(Json.object()
					.put("driver", "file")
					.put("filename", nvram.path())
					.put("node-name", "pflash1-storage")
					.put("auto-read-only", true)
					.put("discard", "unmap")
					.toString());
				args.add("-blockdev");
				args.add(Json.object()
					.put("node-name", "pflash1-format")
					.put("read-only", false)
					.put("driver", "raw")
					.put("file", "pflash1-storage")
					.toString());
				machineArg.append(",pflash1=pflash1-format");
			});
		});
		return args;
	}

	private Optional<ClockTimer> timer(String name) {
		return this.def.clock()
			.stream()
			.flatMap((clock) -> clock.timers().stream())
			.filter((timer) -> timer.name().equals(name))
			.findFirst();
	}

	/**
	 * Hyper-V enlightenments and paravirtual clocks, which QEMU sets as properties of the
	 * vCPU model.
	 */
	private List<String> cpuProperties() {
		List<String> properties = new ArrayList<>();
		for (HypervFeature feature : this.def.features().hyperv()) {
			if (!feature.on()) {
				continue;
			}
			if (feature.name().equals("vpindex") && this.ctx.accel() != Accel.KVM) {
				// QEMU 7.2 under TCG refuses it ("kernel doesn't allow setting HyperV
				// VP_INDEX")
				throw new UnsupportedConfigurationException("/domain/features/hyperv/vpindex", "the Hyper-V "
						+ "enlightenment vpindex needs KVM, and this run uses TCG; remove <vpindex> or run with KVM");
			}
			String name = "hv-" + feature.name().replace('_', '-');
			switch (feature.name()) {
				case "spinlocks" ->
					properties.add(name + "=0x" + Long.toHexString(Long.parseLong(feature.value().get())));
				case "vendor_id" -> properties.add(name + "=" + escape(feature.value().get()));
				default -> properties.add(name + "=on");
			}
			if (feature.direct().orElse(false)) {
				properties.add("hv-stimer-direct=on");
			}
		}
		boolean kvm = this.ctx.accel() == Accel.KVM;
		// KVM's paravirtual features: QEMU's TCG drops them with a warning, which would
		// ignore the definition
		if (!kvm && this.def.features().apicEoi().orElse(false)) {
			throw new UnsupportedConfigurationException("/domain/features/apic/@eoi",
					"eoi='on' is a KVM paravirtual feature and this run uses TCG; remove eoi or run with KVM");
		}
		if (!kvm && timer("kvmclock").flatMap(ClockTimer::present).orElse(false)) {
			throw new UnsupportedConfigurationException("/domain/clock/timer/@present",
					"the kvmclock timer needs KVM and this run uses TCG; remove the timer or run with KVM");
		}
		this.def.features().apicEoi().ifPresent((on) -> properties.add("kvm-pv-eoi=" + (on ? "on" : "off")));
		timer("hypervclock").flatMap(ClockTimer::present)
			.ifPresent((on) -> properties.add("hv-time=" + (on ? "on" : "off")));
		timer("kvmclock").flatMap(ClockTimer::present)
			.ifPresent((on) -> properties.add("kvmclock=" + (on ? "on" : "off")));
		return properties;
	}

	private void cpu() {
		Optional<CpuConfig> config = this.def.cpu();
		List<String> properties = cpuProperties();
		if (config.isEmpty()) {
			if (this.def.os().arch().equals("i686")) {
				// what qemu-system-i386 would give: a 32-bit CPU model
				add("-cpu", String.join(",", concat("qemu32", properties)));
			}
			else if (!properties.isEmpty()) {
				// QEMU's default model, named because the properties need one (as libvirt
				// does)
				add("-cpu", String.join(",", concat("qemu64", properties)));
			}
			return;
		}
		CpuConfig cpu = config.get();
		boolean kvm = this.ctx.accel() == Accel.KVM;
		String model = switch (cpu.mode()) {
			case HOST_PASSTHROUGH, HOST_MODEL -> {
				if (!kvm) {
					throw new UnsupportedConfigurationException("/domain/cpu/@mode", "mode '" + cpu.mode().xmlName()
							+ "' needs KVM, and this run uses TCG; use mode='maximum' or a custom model");
				}
				yield "host";
			}
			case MAXIMUM -> "max";
			case CUSTOM -> cpu.model().orElse(null);
		};
		if (model == null) {
			if (!properties.isEmpty()) {
				add("-cpu", String.join(",", concat("qemu64", properties)));
			}
			return;
		}
		if (cpu.mode() == CpuMode.CUSTOM && !this.caps.cpuModels().isEmpty()
				&& !this.caps.cpuModels().contains(model)) {
			throw new UnsupportedConfigurationException("/domain/cpu/model",
					"CPU model '" + model + "' is not known to " + this.caps.emulator() + "; it has: "
							+ this.caps.cpuModels().stream().sorted().collect(Collectors.joining(", ")));
		}
		StringBuilder arg = new StringBuilder(model);
		cpu.migratable().ifPresent((on) -> arg.append(",migratable=").append(on ? "on" : "off"));
		cpu.cache().ifPresent((cache) -> arg.append(switch (cache) {
			case "passthrough" -> ",host-cache-info=on,l3-cache=off";
			case "emulate" -> ",l3-cache=on";
			default -> ",l3-cache=off";
		}));
		for (CpuFeature feature : cpu.features()) {
			arg.append(',').append(feature.name()).append('=').append(feature.enabled() ? "on" : "off");
		}
		properties.forEach((property) -> arg.append(',').append(property));
		add("-cpu", arg.toString());
	}

	private static List<String> concat(String first, List<String> rest) {
		List<String> all = new ArrayList<>();
		all.add(first);
		all.addAll(rest);
		return all;
	}

	private void smp() {
		int count = this.def.vcpus();
		CpuTopology topology = this.def.cpu().flatMap(CpuConfig::topology).orElse(new CpuTopology(count, 1, 1, 1));
		add("-smp", this.def.vcpu().online() + ",maxcpus=" + count + ",sockets=" + topology.sockets() + ",dies="
				+ topology.dies() + ",cores=" + topology.cores() + ",threads=" + topology.threads());
	}

	private void boot() {
		List<String> options = new ArrayList<>();
		if (!this.def.os().boot().isEmpty()) {
			String order = this.def.os()
				.boot()
				.stream()
				.map(QemuCommandBuilder::bootLetter)
				.collect(Collectors.joining());
			options.add("order=" + order);
		}
		this.def.os().bootMenu().ifPresent((menu) -> {
			options.add("menu=" + (menu.enable() ? "on" : "off"));
			menu.timeout().ifPresent((timeout) -> options.add("splash-time=" + timeout));
		});
		if (this.def.os().boot().isEmpty() && hasBootIndex()) {
			options.add("strict=on");
		}
		if (!options.isEmpty()) {
			add("-boot", String.join(",", options));
		}
		this.def.os().kernel().ifPresent((kernel) -> add("-kernel", kernel));
		this.def.os().initrd().ifPresent((initrd) -> add("-initrd", initrd));
		this.def.os().cmdline().ifPresent((cmdline) -> add("-append", cmdline));
	}

	private boolean hasBootIndex() {
		return this.def.devices().disks().stream().anyMatch((d) -> d.bootOrder().isPresent())
				|| this.def.devices().interfaces().stream().anyMatch((n) -> n.bootOrder().isPresent());
	}

	private static String bootLetter(BootDevice device) {
		return switch (device) {
			case HD -> "c";
			case CDROM -> "d";
			case NETWORK -> "n";
			case FD -> "a";
		};
	}

	private void controllers(List<Controller> controllers) {
		// Root ports first, by index: every other device may sit on one, and QEMU needs
		// the bus to exist.
		List<Integer> order = new ArrayList<>();
		for (int i = 0; i < controllers.size(); i++) {
			order.add(i);
		}
		order.sort(Comparator.comparingInt((Integer i) -> rootPortRank(controllers.get(i)))
			.thenComparingInt((i) -> rootPortRank(controllers.get(i)) == 0 ? controllers.get(i).index() : i));
		for (int i : order) {
			Controller controller = controllers.get(i);
			String path = "/domain/devices/controller[" + (i + 1) + "]";
			switch (controller.type()) {
				case PCI -> {
					if (controller.is(ControllerType.PCI, "pcie-root-port")) {
						PciAddress address = controller.address().get();
						int port = controller.port().orElse((address.slot() << 3) | address.function());
						device(Json.object()
							.put("driver", "pcie-root-port")
							.put("port", port)
							.put("chassis", controller.chassis().orElse(controller.index()))
							.put("id", "pci." + controller.index()), controller.address(), path);
					}
				}
				case USB -> {
					String model = controller.model().get();
					if (!model.equals("none")) {
						if (model.equals("piix3-uhci") && this.family == MachineFamily.Q35) {
							throw new UnsupportedConfigurationException(path + "/@model",
									"piix3-uhci belongs to i440FX machines; use qemu-xhci on q35");
						}
						String driver = switch (model) {
							case "piix3-uhci" -> "piix3-usb-uhci";
							case "nec-xhci" -> "nec-usb-xhci";
							default -> model.startsWith("ich9-") ? model.replace("ich9-", "ich9-usb-") : model;
						};
						String id = "usb" + ((controller.index() == 0) ? "" : String.valueOf(controller.index()));
						Json usb = Json.object().put("driver", driver);
						if (controller.isCompanion()) {
							// as libvirt: a companion has no id of its own and serves its
							// master's bus
							usb.put("masterbus", id + ".0").put("firstport", controller.masterStartport().get());
						}
						else {
							usb.put("id", id);
						}
						// libvirt's ports: the number of USB 2 and of USB 3 root hub
						// ports of an xHCI controller
						controller.ports().ifPresent((ports) -> usb.put("p2", ports).put("p3", ports));
						device(usb, controller.address(), path);
					}
				}
				case SCSI -> {
					Json scsi = Json.object().put("driver", "virtio-scsi-pci").put("id", "scsi" + controller.index());
					controller.driver()
						.ifPresent((driver) -> scsi.put("num_queues", driver.queues().orElse(null))
							.put("cmd_per_lun", driver.cmdPerLun().orElse(null))
							.put("max_sectors", driver.maxSectors().orElse(null))
							.put("ioeventfd", driver.ioeventfd().orElse(null))
							.put("iothread", driver.iothread().map((id) -> "iothread" + id).orElse(null)));
					device(scsi, controller.address(), path);
				}
				case VIRTIO_SERIAL -> device(Json.object()
					.put("driver", "virtio-serial-pci")
					.put("id", "virtio-serial" + controller.index()), controller.address(), path);
				case SATA -> {
					if (this.family == MachineFamily.PC) {
						device(Json.object().put("driver", "ich9-ahci").put("id", "sata0"), controller.address(), path);
					}
				}
				case IDE -> {
					// built into i440FX (PIIX3 IDE at 00:01.1)
				}
				case FDC -> {
					// built into i440FX; Q35 has none, its floppies need an ISA one
					if (this.family == MachineFamily.Q35) {
						Json fdc = Json.object().put("driver", "isa-fdc").put("id", "fdc0");
						checkDevice(fdc, path);
						add("-device", fdc.toString());
					}
				}
			}
		}
	}

	/**
	 * Root ports first (other devices sit on them), USB companions last (they name their
	 * master's bus).
	 */
	private static int rootPortRank(Controller controller) {
		return controller.is(ControllerType.PCI, "pcie-root-port") ? 0 : controller.isCompanion() ? 2 : 1;
	}

	private void disk(Disk disk, String path) {
		String id = diskId(disk, path);
		String format = null;
		if (disk.source().isPresent()) {
			String storage = id + "-storage";
			format = id + "-format";
			String driver = null;
			String filename = null;
			switch (disk.type()) {
				case NETWORK -> {
					// the storage node is the protocol's (nbd, http, https): see below
				}
				case FILE -> {
					driver = "file";
					filename = disk.source().get().file().get();
				}
				case BLOCK -> {
					driver = (disk.device() == DiskDevice.CDROM) ? "host_cdrom" : "host_device";
					filename = disk.source().get().dev().get();
				}
				default -> {
					String pool = disk.source().get().pool().get();
					String volume = disk.source().get().volume().get();
					Path resolved = this.ctx.volumes().get(new RunContext.Volume(pool, volume));
					if (resolved == null) {
						throw new SecondaryDriverException(path + ": <disk type='volume'> volume '" + volume
								+ "' in pool '" + pool + "' was not resolved by the storage driver");
					}
					driver = "file";
					filename = resolved.toString();
				}
			}
			Json cache = cache(disk.driver().cache());
			Json storageNode = (disk.type() == DiskType.NETWORK)
					? BlockNodes.networkStorage(disk.source().get().network().get()).put("node-name", storage)
					: Json.object()
						.put("driver", driver)
						.put("filename", filename)
						.put("node-name", storage)
						.put("aio", disk.driver().io().orElse(null));
			add("-blockdev",
					storageNode.put("auto-read-only", true)
						.put("discard", disk.driver().discard().map(DiskDiscard::xmlName).orElse(null))
						.put("cache", cache)
						.toString());
			Json formatNode = Json.object()
				.put("node-name", format)
				.put("read-only", disk.readonly())
				.put("discard", disk.driver().discard().map(DiskDiscard::xmlName).orElse(null))
				.put("cache", cache);
			if (disk.encryption().isPresent()) {
				UUID uuid = disk.encryption().get().secret();
				Path file = this.ctx.secretFiles().get(uuid);
				if (file == null) {
					throw new SecondaryDriverException(
							path + "/encryption: secret " + uuid + " was not provided by the secret driver");
				}
				String secretId = id + "-secret0";
				add("-object",
						Json.object()
							.put("qom-type", "secret")
							.put("id", secretId)
							.put("format", "raw")
							.put("file", file.toString())
							.toString());
				if (disk.driver().format() == DiskFormat.QCOW2) {
					formatNode.put("driver", "qcow2")
						.put("file", storage)
						.put("encrypt", Json.object().put("format", "luks").put("key-secret", secretId));
				}
				else {
					formatNode.put("driver", "luks").put("file", storage).put("key-secret", secretId);
				}
			}
			else {
				formatNode.put("driver", disk.driver().format().xmlName()).put("file", storage);
			}
			if (!disk.backingChain().isEmpty()) {
				// the chain the XML spells out, instead of the one in the image's header
				BlockNodes.backingChain(id, disk.backingChain(), disk.noBackingStore()).forEach(this::add);
				formatNode.put("backing", BlockNodes.backingOf(id, disk.backingChain()).get());
			}
			else if (disk.noBackingStore() && disk.driver().format() == DiskFormat.QCOW2) {
				// <backingStore/>: the image alone, whatever backing file its header
				// names
				formatNode.putNull("backing");
			}
			add("-blockdev", formatNode.toString());
			if (disk.iotune().isPresent()) {
				this.blockNodes.throttle(id, disk.iotune().get(), format).forEach(this::add);
				format = id + "-throttle";
			}
		}
		boolean cdrom = disk.device() == DiskDevice.CDROM;
		Json device = Json.object();
		switch (disk.bus()) {
			case VIRTIO -> device.put("driver", "virtio-blk-pci");
			case SATA, IDE -> device.put("driver", cdrom ? "ide-cd" : "ide-hd");
			case SCSI -> device.put("driver", cdrom ? "scsi-cd" : "scsi-hd");
			case FDC -> device.put("driver", "floppy");
			case USB -> device.put("driver", "usb-storage");
		}
		if (disk.bus() == DiskBus.USB) {
			// the port the addresses were assigned with (bus 0 is the only USB bus)
			UsbAddress usb = (UsbAddress) disk.address().get();
			device.put("bus", "usb.0").put("port", usb.port());
		}
		else if (disk.bus() != DiskBus.VIRTIO) {
			driveBus(disk, device, path);
		}
		device.put("drive", format).put("id", id).put("bootindex", disk.bootOrder().orElse(null));
		disk.driver().cache().map(QemuCommandBuilder::writeCache).ifPresent((wc) -> device.put("write-cache", wc));
		if (disk.shareable()) {
			device.put("share-rw", true);
		}
		device.put("serial", disk.serial().orElse(null));
		device.put("iothread", disk.driver().iothread().map((thread) -> "iothread" + thread).orElse(null));
		if (disk.bus() == DiskBus.VIRTIO) {
			device(device, disk.address().map(PciAddress.class::cast), path);
		}
		else {
			checkDevice(device, path);
			add("-device", device.toString());
		}
	}

	/**
	 * The {@code blockdev-add} argument for the qcow2 overlay an external snapshot puts
	 * on a running disk: opened as the disk's image is on the command line (its cache
	 * mode, io mode and discard), so that a snapshot does not change how the guest's
	 * writes reach the host; without a backing file of its own, which
	 * {@code blockdev-snapshot} then gives it.
	 */
	public static String overlayNode(Disk disk, String nodeName, Path overlay) {
		Json cache = cache(disk.driver().cache());
		String discard = disk.driver().discard().map(DiskDiscard::xmlName).orElse(null);
		Json file = Json.object()
			.put("driver", "file")
			.put("filename", overlay.toString())
			.put("aio", disk.driver().io().orElse(null))
			.put("discard", discard)
			.put("cache", cache);
		return Json.object()
			.put("driver", "qcow2")
			.put("node-name", nodeName)
			.put("discard", discard)
			.put("cache", cache)
			.put("file", file)
			.putNull("backing")
			.toString();
	}

	private static Json cache(Optional<DiskCache> cache) {
		if (cache.isEmpty() || cache.get() == DiskCache.DEFAULT) {
			return null;
		}
		boolean direct = cache.get() == DiskCache.NONE || cache.get() == DiskCache.DIRECTSYNC;
		boolean noFlush = cache.get() == DiskCache.UNSAFE;
		return Json.object().put("direct", direct).put("no-flush", noFlush);
	}

	private static String writeCache(DiskCache cache) {
		return switch (cache) {
			case DEFAULT -> null;
			case WRITETHROUGH, DIRECTSYNC -> "off";
			case NONE, WRITEBACK, UNSAFE -> "on";
		};
	}

	private String diskId(Disk disk, String path) {
		return diskDeviceId(disk);
	}

	/**
	 * The QEMU device id of a disk (libvirt's alias scheme: {@code virtio-disk0},
	 * {@code sata0-0-1}, {@code scsi0-0-0-0}, {@code ide0-0-1}, {@code usb-disk0}); QMP
	 * names the disk by it ({@code query-blockstats} qdev).
	 */
	public static String diskDeviceId(Disk disk) {
		int index = disk.targetIndex();
		DriveAddress drive = driveAddress(disk);
		return switch (disk.bus()) {
			case VIRTIO -> "virtio-disk" + index;
			case SATA -> "sata0-0-" + drive.unit();
			case SCSI -> "scsi0-0-" + drive.target() + "-" + drive.unit();
			case IDE -> "ide0-" + drive.bus() + "-" + drive.unit();
			case FDC -> "fdc0-0-" + drive.unit();
			case USB -> "usb-disk" + index;
		};
	}

	/** The drive address given, or the one libvirt would derive from the target name. */
	private static DriveAddress driveAddress(Disk disk) {
		if (disk.address().orElse(null) instanceof DriveAddress given) {
			return given;
		}
		int index = disk.targetIndex();
		return switch (disk.bus()) {
			case IDE -> new DriveAddress(0, index / 2, 0, index % 2);
			case SCSI -> new DriveAddress(0, 0, 0, index);
			default -> new DriveAddress(0, 0, 0, index);
		};
	}

	private void driveBus(Disk disk, Json device, String path) {
		DriveAddress drive = driveAddress(disk);
		switch (disk.bus()) {
			case SATA -> {
				if (drive.unit() > 5 || drive.bus() != 0 || drive.target() != 0) {
					throw new UnsupportedConfigurationException(path + "/target/@dev",
							"the SATA controller has 6 ports (units 0-5 on bus 0, target 0); use sda to sdf");
				}
				device.put("bus", ((this.family == MachineFamily.Q35) ? "ide." : "sata0.") + drive.unit());
			}
			case IDE -> {
				if (drive.unit() > 1 || drive.bus() > 1 || drive.target() != 0) {
					throw new UnsupportedConfigurationException(path + "/target/@dev",
							"the IDE controller has 2 buses with 2 units each; use hda to hdd");
				}
				device.put("bus", "ide." + drive.bus()).put("unit", drive.unit());
			}
			case SCSI -> {
				if (drive.unit() > 16383 || drive.bus() != 0) {
					throw new UnsupportedConfigurationException(path + "/address",
							"virtio-scsi disks use bus 0 and units up to 16383");
				}
				device.put("bus", "scsi" + drive.controller() + ".0")
					.put("channel", 0)
					.put("scsi-id", drive.target())
					.put("lun", drive.unit());
			}
			case FDC -> {
				if (drive.unit() > 1 || drive.bus() != 0 || drive.target() != 0) {
					throw new UnsupportedConfigurationException(path + "/address",
							"the floppy controller has units 0 and 1 (bus 0, target 0)");
				}
				device.put("unit", drive.unit());
			}
			case VIRTIO, USB -> {
			}
		}
	}

	private void nic(NetInterface nic, int index, String path) {
		String netdev = "hostnet" + index;
		Json backend = Json.object();
		switch (nic.type()) {
			case USER -> {
				if (nic.passt()) {
					passt(nic, index, backend);
				}
				else {
					backend.put("type", "user").put("hostfwd", UserNetForwards.hostfwd(nic));
				}
			}
			case BRIDGE, NETWORK -> {
				String bridge = nic.source().get();
				if (nic.type() == InterfaceType.NETWORK) {
					bridge = this.ctx.bridges().get(nic.source().get());
					if (bridge == null) {
						throw new SecondaryDriverException(path + ": <interface type='network'> network '"
								+ nic.source().get() + "' was not resolved to a bridge by the network driver");
					}
				}
				if (nic.targetDev().isPresent()) {
					// a tap the driver created on the bridge as root (the live definition
					// names it), multi-queue when asked
					tap(nic, backend);
				}
				else if (nic.multiQueue() || nic.driverName().isPresent()) {
					// qemu-bridge-helper hands QEMU one plain queue
					throw new UnsupportedConfigurationException(path + "/driver",
							"queues and a <driver name> need a tap the driver creates on the bridge, which it does "
									+ "when it runs as root (without root qemu-bridge-helper opens one queue): run "
									+ "the driver as root, or remove queues and name");
				}
				else {
					backend.put("type", "bridge").put("br", bridge);
				}
			}
			case ETHERNET -> tap(nic, backend);
		}
		backend.put("id", netdev);
		add("-netdev", backend.toString());
		String driver = switch (nic.model()) {
			case "virtio" -> "virtio-net-pci";
			default -> nic.model();
		};
		Json device = Json.object()
			.put("driver", driver)
			.put("netdev", netdev)
			.put("id", "net" + index)
			.put("mac", nic.mac())
			.put("bootindex", nic.bootOrder().orElse(null))
			.put("host_mtu", nic.model().equals("virtio") ? nic.mtu().orElse(null) : null);
		nic.queues()
			.filter((queues) -> queues > 1)
			.ifPresent((queues) -> device.put("mq", true).put("vectors", 2 * queues + 2));
		device(device, nic.address(), path);
	}

	private static void tap(NetInterface nic, Json backend) {
		backend.put("type", "tap")
			.put("ifname", nic.targetDev().orElse(null))
			.put("script", "no")
			.put("downscript", "no")
			.put("queues", nic.multiQueue() ? nic.queues().get() : null)
			.put("vhost", nic.driverName().map("vhost"::equals).orElse(null));
	}

	/**
	 * {@code <backend type='passt'/>}: passt serves the NIC on a UNIX socket in the
	 * private directory and QEMU connects to it ({@code -netdev stream}, QEMU 7.2 on), as
	 * libvirt does. passt runs in the foreground under the driver's launcher (it dies
	 * with the driver's owner) and ends by itself when QEMU closes the socket.
	 */
	private void passt(NetInterface nic, int index, Json backend) {
		Path socket = this.ctx.privateDir().resolve("passt" + index + ".sock");
		Path log = this.ctx.logFile().resolveSibling(this.def.name() + "-passt" + index + ".log");
		List<String> argv = new ArrayList<>(List.of("passt", "--foreground", "--one-off", "--runas",
				UserNetForwards.currentUid(), "--socket", socket.toString(), "--log-file", log.toString()));
		argv.addAll(UserNetForwards.passtPorts(nic));
		this.helpers.add(new HelperProcess("passt", argv, socket, List.of()));
		backend.put("type", "stream")
			.put("server", false)
			.put("addr", Json.object().put("type", "unix").put("path", socket.toString()));
	}

	private void serials(Devices devices) {
		// Serial ports by port number; a <console target type='serial'> is the same
		// device as the serial port
		// with its port, and stands for it when there is no <serial> at all (libvirt
		// semantics).
		Map<Integer, CharDevice> ports = new TreeMap<>();
		Map<Integer, String> paths = new LinkedHashMap<>();
		for (int i = 0; i < devices.serials().size(); i++) {
			CharDevice serial = devices.serials().get(i);
			int port = serial.port().orElse(i);
			ports.put(port, serial);
			paths.put(port, "/domain/devices/serial[" + (i + 1) + "]");
		}
		for (int i = 0; i < devices.consoles().size(); i++) {
			CharDevice console = devices.consoles().get(i);
			if (console.target() == ConsoleTarget.SERIAL) {
				int port = console.port().orElse(0);
				if (!ports.containsKey(port)) {
					ports.put(port, console);
					paths.put(port, "/domain/devices/console[" + (i + 1) + "]");
				}
			}
		}
		for (Map.Entry<Integer, CharDevice> entry : ports.entrySet()) {
			int port = entry.getKey();
			chardev("charserial" + port, entry.getValue(), "serial" + port + ".sock", paths.get(port));
			Json device = Json.object()
				.put("driver", "isa-serial")
				.put("chardev", "charserial" + port)
				.put("id", "serial" + port)
				.put("index", port);
			checkDevice(device, paths.get(port));
			add("-device", device.toString());
		}
		int virtioConsole = 0;
		for (int i = 0; i < devices.consoles().size(); i++) {
			CharDevice console = devices.consoles().get(i);
			if (console.target() == ConsoleTarget.VIRTIO) {
				String path = "/domain/devices/console[" + (i + 1) + "]";
				String id = "console" + (++virtioConsole);
				chardev("char" + id, console, "console" + virtioConsole + ".sock", path);
				device(Json.object()
					.put("driver", "virtconsole")
					.put("chardev", "char" + id)
					.put("id", id)
					.put("bus", "virtio-serial0.0"), Optional.empty(), path);
			}
		}
	}

	private void chardev(String id, CharDevice device, String ptySocket, String path) {
		StringBuilder arg = new StringBuilder();
		switch (device.type()) {
			case PTY -> {
				Path socket = this.ctx.privateDir().resolve(ptySocket);
				this.serialSockets.add(socket);
				arg.append("socket,id=")
					.append(id)
					.append(",path=")
					.append(escape(socket.toString()))
					.append(",server=on,wait=off,logfile=")
					.append(escape(this.ctx.logFile().toString()))
					.append(",logappend=on");
			}
			case FILE -> arg.append("file,id=")
				.append(id)
				.append(",path=")
				.append(escape(device.path().get()))
				.append(",append=on");
			case UNIX -> {
				arg.append("socket,id=").append(id).append(",path=").append(escape(device.path().get()));
				arg.append(device.mode().orElse(SourceMode.BIND) == SourceMode.BIND ? ",server=on,wait=off"
						: ",server=off");
			}
			case TCP -> {
				arg.append("socket,id=")
					.append(id)
					.append(",host=")
					.append(escape(device.host().get()))
					.append(",port=")
					.append(device.service().get());
				arg.append(device.mode().orElse(SourceMode.BIND) == SourceMode.BIND ? ",server=on,wait=off"
						: ",server=off");
				if (device.telnet()) {
					arg.append(",telnet=on");
				}
			}
			case NULL -> arg.append("null,id=").append(id);
		}
		add("-chardev", arg.toString());
	}

	/**
	 * The UNIX socket QEMU serves for the {@code index}-th {@code <channel>} (its device
	 * id is {@code channel} followed by the index): the source path if the XML gives one,
	 * else {@code channelINDEX.sock} in the private directory.
	 */
	public static Path channelSocket(Channel channel, int index, Path privateDir) {
		return channel.path().map(Path::of).orElse(privateDir.resolve("channel" + index + ".sock"));
	}

	private void channels(List<Channel> channels) {
		for (int i = 0; i < channels.size(); i++) {
			channel(channels.get(i), i, "/domain/devices/channel[" + (i + 1) + "]");
		}
	}

	private void channel(Channel channel, int i, String path) {
		if (channel.spicevmc()) {
			add("-chardev", "spicevmc,id=charchannel" + i + ",name=vdagent");
		}
		else {
			String socket = channelSocket(channel, i, this.ctx.privateDir()).toString();
			add("-chardev", "socket,id=charchannel" + i + ",path=" + escape(socket) + ",server=on,wait=off");
		}
		VirtioSerialAddress address = channel.address().get();
		device(Json.object()
			.put("driver", "virtserialport")
			.put("bus", "virtio-serial" + address.controller() + "." + address.bus())
			.put("nr", address.port())
			.put("chardev", "charchannel" + i)
			.put("id", "channel" + i)
			.put("name", channel.targetName()), Optional.empty(), path);
	}

	private void input(Input input, int index, String path) {
		if (input.bus() == InputBus.PS2) {
			// the i8042 controller of pc and q35 provides the PS/2 mouse and keyboard
			return;
		}
		String kind = switch (input.type()) {
			case TABLET -> "tablet";
			case MOUSE -> "mouse";
			case KEYBOARD -> (input.bus() == InputBus.USB) ? "kbd" : "keyboard";
		};
		if (input.bus() == InputBus.USB) {
			Json device = Json.object().put("driver", "usb-" + kind).put("id", "input" + index).put("bus", "usb.0");
			input.address()
				.filter(UsbAddress.class::isInstance)
				.map(UsbAddress.class::cast)
				.ifPresent((usb) -> device.put("port", usb.port()));
			checkDevice(device, path);
			add("-device", device.toString());
		}
		else {
			device(Json.object().put("driver", "virtio-" + kind + "-pci").put("id", "input" + index),
					input.address().map(PciAddress.class::cast), path);
		}
	}

	private void graphics(List<Graphics> graphics) {
		Optional<Graphics> spice = graphics.stream().filter(Graphics::isSpice).findFirst();
		if (spice.isPresent()) {
			spice(spice.get());
			return;
		}
		Optional<Graphics> vnc = graphics.stream().filter((g) -> g.type().equals("vnc")).findFirst();
		if (vnc.isEmpty()) {
			add("-display", "none");
			return;
		}
		Graphics g = vnc.get();
		String host = g.listen().contains(":") ? "[" + g.listen() + "]" : g.listen();
		StringBuilder arg = new StringBuilder(host).append(':');
		if (g.autoport()) {
			arg.append("0,to=99");
		}
		else {
			arg.append(g.port().get() - 5900);
		}
		if (g.passwd().isPresent()) {
			Path file = this.ctx.vncPasswordFile()
				.orElseThrow(() -> new InvalidConfigurationException("/domain/devices/graphics[1]/@passwd",
						"the driver did not provide the VNC password file for this run"));
			add("-object",
					Json.object()
						.put("qom-type", "secret")
						.put("id", "vnc0-secret")
						.put("format", "raw")
						.put("file", file.toString())
						.toString());
			arg.append(",password-secret=vnc0-secret");
		}
		add("-vnc", arg.toString());
	}

	/**
	 * SPICE: a fixed port, or with autoport a UNIX socket in the private directory (a
	 * builder that is a pure function cannot reserve a free TCP port, and QEMU's SPICE
	 * has no port range as VNC has).
	 */
	private void spice(Graphics spice) {
		if (!this.caps.deviceTypes().isEmpty() && !this.caps.hasDevice("qxl-vga")) {
			// QEMU builds qxl exactly when it is built with SPICE
			throw new UnsupportedConfigurationException("/domain/devices/graphics[1]/@type", this.caps.emulator()
					+ " is built without SPICE; use <graphics type='vnc'/> and a vga or virtio <video>");
		}
		StringBuilder arg = new StringBuilder();
		if (spice.autoport()) {
			arg.append("unix=on,addr=").append(escape(this.ctx.privateDir().resolve("spice.sock").toString()));
		}
		else {
			arg.append("port=").append(spice.port().get()).append(",addr=").append(spice.listen());
		}
		arg.append(",disable-ticketing=on");
		spice.imageCompression().ifPresent((value) -> arg.append(",image-compression=").append(value));
		arg.append(",seamless-migration=on");
		add("-spice", arg.toString());
	}

	private void sounds(Devices devices) {
		if (devices.sounds().isEmpty()) {
			return;
		}
		if (devices.audioIds().isEmpty()) {
			// the backend libvirt adds for a sound device: SPICE's when there is SPICE,
			// else none
			boolean spice = devices.graphics().stream().anyMatch(Graphics::isSpice);
			add("-audiodev", Json.object().put("id", "audio1").put("driver", spice ? "spice" : "none").toString());
		}
		String audiodev = "audio" + (devices.audioIds().isEmpty() ? 1 : devices.audioIds().get(0));
		for (int i = 0; i < devices.sounds().size(); i++) {
			Sound sound = devices.sounds().get(i);
			String path = "/domain/devices/sound[" + (i + 1) + "]";
			String id = "sound" + i;
			switch (sound.model()) {
				case "ac97" -> device(Json.object().put("driver", "AC97").put("id", id).put("audiodev", audiodev),
						sound.address(), path);
				default -> {
					device(Json.object()
						.put("driver", sound.model().equals("ich9") ? "ich9-intel-hda" : "intel-hda")
						.put("id", id), sound.address(), path);
					Json codec = Json.object()
						.put("driver", "hda-duplex")
						.put("id", id + "-codec0")
						.put("bus", id + ".0")
						.put("cad", 0)
						.put("audiodev", audiodev);
					checkDevice(codec, path);
					add("-device", codec.toString());
				}
			}
		}
	}

	/**
	 * A TPM 2.0 emulated by swtpm, as libvirt runs it: state under
	 * {@code ROOT/lib/swtpm/UUID/tpm2}, control socket in the private directory, ended by
	 * swtpm itself when QEMU closes that socket.
	 */
	private void tpm(Tpm tpm) {
		String path = "/domain/devices/tpm[1]";
		Path socket = this.ctx.privateDir().resolve("swtpm.sock");
		Path lib = this.ctx.nvramDir().getParent().getParent();
		Path state = lib.resolve("swtpm").resolve(this.def.uuid().toString()).resolve("tpm2");
		Path log = this.ctx.logFile().resolveSibling(this.def.name() + "-swtpm.log");
		this.helpers.add(new HelperProcess("swtpm",
				List.of("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + escape(state.toString()) + ",mode=0600",
						"--ctrl", "type=unixio,path=" + escape(socket.toString()) + ",mode=0600", "--log",
						"file=" + escape(log.toString()), "--terminate"),
				socket, List.of(state)));
		add("-chardev", "socket,id=chrtpm,path=" + escape(socket.toString()));
		add("-tpmdev", "emulator,id=tpm-tpm0,chardev=chrtpm");
		Json device = Json.object().put("driver", tpm.model()).put("tpmdev", "tpm-tpm0").put("id", "tpm0");
		checkDevice(device, path);
		add("-device", device.toString());
	}

	/**
	 * virtiofs: QEMU's virtiofsd serves the directory on a vhost-user socket and ends
	 * when QEMU closes it.
	 */
	private void filesystem(Filesystem fs, int index, String path) {
		Path socket = this.ctx.privateDir().resolve("fs" + index + ".sock");
		this.helpers.add(new HelperProcess("virtiofsd",
				List.of(VIRTIOFSD, "--socket-path=" + socket, "-o", "source=" + escape(fs.sourceDir()) + ",cache=auto"),
				socket, List.of()));
		add("-chardev", "socket,id=chr-vu-fs" + index + ",path=" + escape(socket.toString()));
		device(Json.object()
			.put("driver", "vhost-user-fs-pci")
			.put("id", "fs" + index)
			.put("chardev", "chr-vu-fs" + index)
			.put("tag", fs.tag()), fs.address(), path);
	}

	private void redirdevs(List<Redirdev> redirdevs) {
		for (int i = 0; i < redirdevs.size(); i++) {
			Redirdev redirdev = redirdevs.get(i);
			add("-chardev", "spicevmc,id=charredir" + i + ",name=usbredir");
			Json device = Json.object()
				.put("driver", "usb-redir")
				.put("chardev", "charredir" + i)
				.put("id", "redir" + i)
				.put("bus", "usb.0");
			redirdev.address().ifPresent((usb) -> device.put("port", usb.port()));
			checkDevice(device, "/domain/devices/redirdev[" + (i + 1) + "]");
			add("-device", device.toString());
		}
	}

	private void video(Video video, int index, String path) {
		Json device = Json.object();
		switch (video.model()) {
			case "none" -> {
				return;
			}
			case "vga" -> device.put("driver", "VGA")
				.put("id", "video" + index)
				.put("vgamem_mb", video.vramKiB().map((kib) -> kib / 1024).orElse(null));
			case "cirrus" -> device.put("driver", "cirrus-vga")
				.put("id", "video" + index)
				.put("vgamem_mb", video.vramKiB().map((kib) -> kib / 1024).orElse(null));
			case "qxl" -> device.put("driver", (index == 0) ? "qxl-vga" : "qxl")
				.put("id", "video" + index)
				.put("ram_size", video.ramKiB().map((kib) -> kib * 1024L).orElse(null))
				.put("vram_size", video.vramKiB().map((kib) -> kib * 1024L).orElse(null))
				.put("vgamem_mb", video.vgamemKiB().map((kib) -> kib / 1024).orElse(null))
				.put("max_outputs", video.heads().orElse(null));
			case "bochs" -> device.put("driver", "bochs-display")
				.put("id", "video" + index)
				.put("vgamem", video.vramKiB().map((kib) -> kib * 1024L).orElse(null));
			default -> device.put("driver", (index == 0) ? "virtio-vga" : "virtio-gpu-pci")
				.put("id", "video" + index)
				.put("max_outputs", video.heads().orElse(null));
		}
		device(device, video.address(), path);
	}

	private void panics(List<Panic> panics) {
		for (int i = 0; i < panics.size(); i++) {
			Panic panic = panics.get(i);
			String path = "/domain/devices/panic[" + (i + 1) + "]";
			switch (panic.model()) {
				case ISA ->
					device(Json.object().put("driver", "pvpanic").put("id", "panic" + i).put("ioport", panic.iobase()),
							Optional.empty(), path);
				case PVPANIC ->
					device(Json.object().put("driver", "pvpanic-pci").put("id", "panic" + i), panic.pciAddress(), path);
			}
		}
		if (!panics.isEmpty()) {
			// QEMU's default (panic=shutdown) would end the process; the driver applies
			// <on_crash> itself
			add("-action", "panic=pause");
		}
	}

	/** Adds a PCI (or bus-less) {@code -device}, placing it at its address. */
	private void device(Json device, Optional<PciAddress> address, String path) {
		address.ifPresent((pci) -> {
			device.put("bus", (pci.bus() == 0) ? this.family.rootBus() : "pci." + pci.bus());
			device.put("multifunction", pci.multifunction() ? true : null);
			device.put("addr", (pci.function() == 0) ? String.format("0x%x", pci.slot())
					: String.format("0x%x.0x%x", pci.slot(), pci.function()));
		});
		checkDevice(device, path);
		add("-device", device.toString());
	}

	private void checkDevice(Json device, String path) {
		String driver = device.toString().replaceFirst("^\\{\"driver\":\"([^\"]+)\".*$", "$1");
		if (!this.caps.deviceTypes().isEmpty() && !this.caps.hasDevice(driver)) {
			throw new UnsupportedConfigurationException(path, "this element needs QEMU device '" + driver + "', which "
					+ this.caps.emulator() + " does not have");
		}
	}

	/** Escapes a value for QEMU's key=value option syntax (a comma is doubled). */
	static String escape(String value) {
		return value.replace(",", ",,");
	}

	private void add(String... args) {
		for (String arg : args) {
			this.argv.add(arg);
		}
	}

}
