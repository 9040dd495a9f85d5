package io.github.qemuembed.driver.xml;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.w3c.dom.Document;
import org.w3c.dom.Element;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/** Binds a hardened DOM to the typed model, strictly: see {@link XNode}. */
final class DomainXmlReader {

	/** Largest memory accepted: 16 TiB, in KiB. */
	static final long MAX_MEMORY_KIB = 16L * 1024 * 1024 * 1024;

	/** Most vCPUs accepted (x86 without an IOMMU and x2APIC interrupt remapping addresses 255). */
	static final int MAX_VCPUS = 255;

	private static final Pattern UUID_PATTERN = Pattern
		.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");

	private static final Pattern MAC_PATTERN = Pattern.compile("[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}");

	private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

	private static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,64}");

	private static final Pattern TAP_NAME = Pattern.compile("[A-Za-z0-9_.\\-]{1,15}");

	private static final Set<String> NIC_MODELS = Set.of("virtio", "e1000", "e1000e", "rtl8139");

	private static final Set<String> RNG_SOURCES = Set.of("/dev/urandom", "/dev/random", "/dev/hwrng");

	private static final SecureRandom RANDOM = new SecureRandom();

	private DomainXmlReader() {
	}

	static DomainDefinition read(String xml) {
		Document document = SecureXml.parse(xml);
		Element root = document.getDocumentElement();
		if (root.getNamespaceURI() != null || !"domain".equals(root.getLocalName())) {
			throw new UnsupportedConfigurationException("/" + root.getNodeName(),
					"the root element must be <domain> (no namespace)");
		}
		XNode domain = new XNode(root, "/domain");
		DomainType type = domain.enumAttr("type", DomainType.class)
			.orElseThrow(() -> new InvalidConfigurationException("/domain/@type",
					"attribute 'type' of <domain> is required; give kvm or qemu"));
		XNode nameNode = domain.requiredChild("name");
		String name = nameNode.requiredText();
		nameNode.finish();
		DomainNames.validate(name);
		UUID uuid = domain.child("uuid").map(DomainXmlReader::uuid).orElseGet(UUID::randomUUID);
		Optional<String> title = domain.child("title").map(DomainXmlReader::title);
		Optional<String> description = domain.child("description").map((node) -> {
			String text = node.text();
			node.finish();
			return text;
		});
		Optional<String> metadata = domain.child("metadata").map(DomainXmlReader::metadata);
		long memory = memory(domain.requiredChild("memory"));
		if (memory == 0) {
			throw new InvalidConfigurationException("/domain/memory", "memory must be more than 0");
		}
		long currentMemory = domain.child("currentMemory").map(DomainXmlReader::memory).orElse(memory);
		if (currentMemory > memory) {
			throw new InvalidConfigurationException("/domain/currentMemory", "currentMemory (" + currentMemory
					+ " KiB) is larger than memory (" + memory + " KiB)");
		}
		if (currentMemory == 0) {
			throw new InvalidConfigurationException("/domain/currentMemory", "currentMemory must be more than 0");
		}
		Vcpu vcpu = domain.child("vcpu").map(DomainXmlReader::vcpu).orElse(new Vcpu(1, Optional.empty()));
		OsConfig os = os(domain.requiredChild("os"));
		Features features = domain.child("features").map(DomainXmlReader::features).orElse(Features.NONE);
		Optional<CpuConfig> cpu = domain.child("cpu").map((node) -> cpu(node, vcpu));
		Optional<ClockConfig> clock = domain.child("clock").map(DomainXmlReader::clock);
		PowerManagement pm = domain.child("pm").map(DomainXmlReader::pm).orElse(PowerManagement.DEFAULT);
		LifecycleAction onPoweroff = lifecycle(domain, "on_poweroff", LifecycleAction.DESTROY,
				LifecycleAction.DESTROY, LifecycleAction.RESTART, LifecycleAction.PRESERVE);
		LifecycleAction onReboot = lifecycle(domain, "on_reboot", LifecycleAction.RESTART, LifecycleAction.RESTART,
				LifecycleAction.DESTROY);
		LifecycleAction onCrash = lifecycle(domain, "on_crash", LifecycleAction.DESTROY, LifecycleAction.DESTROY,
				LifecycleAction.RESTART, LifecycleAction.PRESERVE);
		MachineFamily family = MachineFamily.of(os.machine().orElse("pc"));
		Devices devices = domain.child("devices").map((node) -> devices(node, family)).orElse(Devices.NONE);
		if (currentMemory < memory && devices.memballoon().map((balloon) -> !balloon.present()).orElse(false)) {
			// the balloon is what gives a guest less than <memory> at start; without it the value could not be honoured
			throw new UnsupportedConfigurationException("/domain/currentMemory", "currentMemory below memory needs a "
					+ "memory balloon, and <memballoon model='none'/> removes it: drop <currentMemory> or use "
					+ "<memballoon model='virtio'/>");
		}
		QemuCommandline commandline = commandline(domain);
		domain.finish();
		DomainDefinition definition = new DomainDefinition(type, name, uuid, title, description, metadata, memory,
				currentMemory, vcpu, os, features, cpu, clock, pm, onPoweroff, onReboot, onCrash, devices, commandline);
		DomainRules.check(definition);
		return definition;
	}

	private static UUID uuid(XNode node) {
		String text = node.requiredText();
		if (!UUID_PATTERN.matcher(text).matches()) {
			throw new InvalidConfigurationException(node.path(),
					"'" + Numbers.abbreviate(text) + "' is not a UUID (32 hexadecimal digits, dashes optional)");
		}
		node.finish();
		String hex = text.replace("-", "");
		return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
				+ hex.substring(16, 20) + "-" + hex.substring(20));
	}

	private static String title(XNode node) {
		String title = node.text();
		if (title.contains("\n")) {
			throw new InvalidConfigurationException(node.path(), "the title must be a single line");
		}
		node.finish();
		return title;
	}

	private static String metadata(XNode node) {
		StringBuilder content = new StringBuilder();
		for (Element child : node.takeAllElements()) {
			if (child.getNamespaceURI() == null) {
				throw new InvalidConfigurationException(node.path() + "/" + child.getLocalName(),
						"every element in <metadata> needs its own XML namespace (as in libvirt)");
			}
			if (content.length() > 0) {
				content.append('\n');
			}
			content.append(SecureXml.serialize(child));
		}
		node.finish();
		return content.toString();
	}

	/** A memory size in KiB, from a value and libvirt's {@code unit} (default KiB), rounded up to whole KiB. */
	static long memory(XNode node) {
		String unit = node.attr("unit").orElse("KiB");
		long scale = unitScale(node.attrPath("unit"), unit);
		long value = Numbers.parse(node.path(), node.requiredText(), 0, Long.MAX_VALUE);
		node.finish();
		if (value > Long.MAX_VALUE / scale) {
			throw new InvalidConfigurationException(node.path(), value + " " + unit
					+ " is larger than the supported maximum of 16 TiB");
		}
		long kib = (value * scale + 1023) / 1024;
		if (kib > MAX_MEMORY_KIB) {
			throw new InvalidConfigurationException(node.path(), value + " " + unit
					+ " is larger than the supported maximum of 16 TiB");
		}
		return kib;
	}

	/** Bytes per unit, with libvirt's spellings: b/bytes, k/KiB (1024), KB (1000), M/MiB, MB, ... E/EiB, EB. */
	static long unitScale(String path, String unit) {
		if (unit.equals("b") || unit.equals("bytes")) {
			return 1;
		}
		int power = unit.isEmpty() ? -1 : "kmgtpe".indexOf(Character.toLowerCase(unit.charAt(0)));
		String rest = unit.isEmpty() ? "" : unit.substring(1);
		long base;
		if (rest.isEmpty() || rest.equals("iB")) {
			base = 1024;
		}
		else if (rest.equals("B")) {
			base = 1000;
		}
		else {
			power = -1;
			base = 0;
		}
		if (power < 0) {
			throw new InvalidConfigurationException(path, "unknown unit '" + Numbers.abbreviate(unit)
					+ "'; use b, bytes, KB, k, KiB, MB, M, MiB, GB, G, GiB, TB, T, TiB, PB, P, PiB, EB, E or EiB");
		}
		long scale = 1;
		for (int i = 0; i <= power; i++) {
			scale *= base;
		}
		return scale;
	}

	private static Vcpu vcpu(XNode node) {
		node.oneOf("placement", "static", "static");
		if (node.attr("cpuset").isPresent()) {
			throw new UnsupportedConfigurationException(node.attrPath("cpuset"),
					"vCPU pinning (cpuset) is not supported; remove the attribute");
		}
		Optional<Integer> current = node.intAttr("current", 1, MAX_VCPUS);
		int count = (int) Numbers.parse(node.path(), node.requiredText(), 1, MAX_VCPUS);
		node.finish();
		if (current.isPresent() && current.get() > count) {
			throw new InvalidConfigurationException(node.attrPath("current"),
					"current (" + current.get() + ") is more than the vCPU count (" + count + ")");
		}
		return new Vcpu(count, current);
	}

	private static OsConfig os(XNode node) {
		XNode type = node.requiredChild("type");
		String arch = type.oneOf("arch", "x86_64", "x86_64", "i686");
		Optional<String> machine = type.attr("machine");
		if (machine.isPresent() && !machine.get().matches("[A-Za-z0-9_.\\-]{1,64}")) {
			throw new InvalidConfigurationException(type.attrPath("machine"),
					"'" + Numbers.abbreviate(machine.get()) + "' is not a machine type name");
		}
		machine.ifPresent(MachineFamily::of);
		String hvm = type.requiredText();
		if (!hvm.equals("hvm")) {
			throw new UnsupportedConfigurationException(type.path(),
					"OS type '" + Numbers.abbreviate(hvm) + "' is not supported; supported: hvm");
		}
		type.finish();
		List<BootDevice> boot = new ArrayList<>();
		for (XNode entry : node.children("boot")) {
			BootDevice device = entry.enumAttr("dev", BootDevice.class)
				.orElseThrow(() -> new InvalidConfigurationException(entry.attrPath("dev"),
						"attribute 'dev' of <boot> is required"));
			if (boot.contains(device)) {
				throw new InvalidConfigurationException(entry.attrPath("dev"),
						"boot device '" + device.xmlName() + "' is listed twice");
			}
			boot.add(device);
			entry.finish();
		}
		Optional<String> kernel = node.child("kernel").map((child) -> pathText(child));
		Optional<String> initrd = node.child("initrd").map((child) -> pathText(child));
		Optional<String> cmdline = node.child("cmdline").map((child) -> {
			String text = child.text();
			child.finish();
			return text;
		});
		if (initrd.isPresent() && kernel.isEmpty()) {
			throw new InvalidConfigurationException(node.path() + "/initrd", "<initrd> needs a <kernel>");
		}
		if (cmdline.isPresent() && kernel.isEmpty()) {
			throw new InvalidConfigurationException(node.path() + "/cmdline", "<cmdline> needs a <kernel>");
		}
		Optional<Loader> loader = node.child("loader").map((child) -> {
			boolean readonly = child.yesNo("readonly", false);
			LoaderType loaderType = child.enumAttr("type", LoaderType.class, LoaderType.ROM);
			String path = absolutePath(child, child.requiredText());
			child.finish();
			return new Loader(path, readonly, loaderType);
		});
		Optional<Nvram> nvram = node.child("nvram").map((child) -> {
			Optional<String> template = child.attr("template");
			template.ifPresent((value) -> absolutePath(child, value));
			String text = child.text();
			if (text.isEmpty()) {
				throw new InvalidConfigurationException(child.path(),
						"give the path of the domain's variable store as the text of <nvram>");
			}
			String path = absolutePath(child, text);
			child.finish();
			return new Nvram(path, template);
		});
		if (nvram.isPresent() && (loader.isEmpty() || loader.get().type() != LoaderType.PFLASH)) {
			throw new InvalidConfigurationException(node.path() + "/nvram",
					"<nvram> needs a <loader type='pflash'>");
		}
		node.finish();
		return new OsConfig(arch, machine, boot, kernel, initrd, cmdline, loader, nvram);
	}

	private static String pathText(XNode node) {
		String path = absolutePath(node, node.requiredText());
		node.finish();
		return path;
	}

	private static String absolutePath(XNode node, String path) {
		if (!path.startsWith("/") || path.indexOf('\0') >= 0 || path.length() > 4096) {
			throw new InvalidConfigurationException(node.path(),
					"'" + Numbers.abbreviate(path) + "' is not an absolute path");
		}
		return path;
	}

	private static Features features(XNode node) {
		boolean acpi = flag(node, "acpi");
		boolean apic = flag(node, "apic");
		boolean pae = flag(node, "pae");
		Optional<Boolean> vmport = node.child("vmport").map((child) -> {
			if (child.attr("state").isEmpty()) {
				throw new InvalidConfigurationException(child.attrPath("state"), "give <vmport state='on|off'/>");
			}
			boolean state = child.onOff("state", false);
			child.finish();
			return state;
		});
		node.finish();
		return new Features(acpi, apic, pae, vmport);
	}

	private static ClockConfig clock(XNode node) {
		ClockOffset offset = node.enumAttr("offset", ClockOffset.class, ClockOffset.UTC);
		List<ClockTimer> timers = new ArrayList<>();
		Set<String> names = new HashSet<>();
		for (XNode child : node.children("timer")) {
			String name = child.oneOf("name", null, "rtc", "pit", "hpet");
			if (name == null) {
				throw new InvalidConfigurationException(child.attrPath("name"),
						"attribute 'name' of <timer> is required; supported: rtc, pit, hpet");
			}
			if (!names.add(name)) {
				throw new InvalidConfigurationException(child.attrPath("name"), "timer '" + name + "' is listed twice");
			}
			Optional<String> tickpolicy = switch (name) {
				case "rtc" -> Optional.ofNullable(child.oneOf("tickpolicy", null, "catchup", "delay"));
				case "pit" -> Optional.ofNullable(child.oneOf("tickpolicy", null, "delay", "discard"));
				default -> Optional.empty();
			};
			Optional<Boolean> present = name.equals("hpet")
					? Optional.of(child.yesNo("present", true)).filter((value) -> child.attr("present").isPresent())
					: Optional.empty();
			child.finish();
			timers.add(new ClockTimer(name, tickpolicy, present));
		}
		node.finish();
		return new ClockConfig(offset, timers);
	}

	private static PowerManagement pm(XNode node) {
		Optional<Boolean> mem = node.child("suspend-to-mem").map((child) -> enabled(child));
		Optional<Boolean> disk = node.child("suspend-to-disk").map((child) -> enabled(child));
		node.finish();
		return new PowerManagement(mem, disk);
	}

	private static boolean enabled(XNode node) {
		if (node.attr("enabled").isEmpty()) {
			throw new InvalidConfigurationException(node.attrPath("enabled"),
					"give <" + node.name() + " enabled='yes|no'/>");
		}
		boolean enabled = node.yesNo("enabled", false);
		node.finish();
		return enabled;
	}

	private static boolean flag(XNode node, String name) {
		Optional<XNode> child = node.child(name);
		child.ifPresent(XNode::finish);
		return child.isPresent();
	}

	private static CpuConfig cpu(XNode node, Vcpu vcpu) {
		Optional<XNode> modelNode = node.child("model");
		CpuMode mode = node.enumAttr("mode", CpuMode.class, CpuMode.CUSTOM);
		// match='exact' and check='none|partial' describe exactly what QEMU does with a named model.
		node.oneOf("match", "exact", "exact");
		node.oneOf("check", "partial", "none", "partial");
		Optional<String> model = modelNode.map((child) -> {
			child.oneOf("fallback", "forbid", "allow", "forbid");
			String name = child.requiredText();
			if (!name.matches("[A-Za-z0-9_.\\-]{1,64}")) {
				throw new InvalidConfigurationException(child.path(),
						"'" + Numbers.abbreviate(name) + "' is not a CPU model name");
			}
			child.finish();
			return name;
		});
		if (mode == CpuMode.CUSTOM && model.isEmpty() && !node.children("feature").isEmpty()) {
			throw new InvalidConfigurationException(node.path() + "/model",
					"<cpu mode='custom'> with features needs a <model>");
		}
		if (mode != CpuMode.CUSTOM && model.isPresent()) {
			throw new InvalidConfigurationException(node.path() + "/model",
					"<model> is only valid with mode='custom'");
		}
		Optional<CpuTopology> topology = node.child("topology").map((child) -> {
			CpuTopology result = new CpuTopology(child.intAttr("sockets", 1, MAX_VCPUS).orElse(1),
					child.intAttr("dies", 1, MAX_VCPUS).orElse(1), child.intAttr("cores", 1, MAX_VCPUS).orElse(1),
					child.intAttr("threads", 1, MAX_VCPUS).orElse(1));
			child.finish();
			if (result.total() != vcpu.count()) {
				throw new InvalidConfigurationException(child.path(), "sockets x dies x cores x threads = "
						+ result.total() + " must equal the vCPU count (" + vcpu.count() + ")");
			}
			return result;
		});
		Optional<Boolean> migratable = Optional.empty();
		if (node.attr("migratable").isPresent()) {
			if (mode != CpuMode.HOST_PASSTHROUGH && mode != CpuMode.MAXIMUM) {
				throw new UnsupportedConfigurationException(node.attrPath("migratable"),
						"migratable is supported with mode='host-passthrough' or 'maximum' only");
			}
			migratable = Optional.of(node.onOff("migratable", true));
		}
		List<CpuFeature> features = new ArrayList<>();
		Set<String> seen = new HashSet<>();
		for (XNode child : node.children("feature")) {
			String policy = child.oneOf("policy", "require", "require", "force", "disable", "forbid");
			String name = child.requiredAttr("name");
			if (!name.matches("[a-z0-9_.\\-]{1,32}")) {
				throw new InvalidConfigurationException(child.attrPath("name"),
						"'" + Numbers.abbreviate(name) + "' is not a CPU feature name");
			}
			if (!seen.add(name)) {
				throw new InvalidConfigurationException(child.attrPath("name"), "feature '" + name + "' is listed twice");
			}
			child.finish();
			features.add(new CpuFeature(policy, name));
		}
		node.finish();
		return new CpuConfig(mode, model, topology, features, migratable);
	}

	private static LifecycleAction lifecycle(XNode domain, String name, LifecycleAction defaultAction,
			LifecycleAction... supported) {
		Optional<XNode> node = domain.child(name);
		if (node.isEmpty()) {
			return defaultAction;
		}
		String value = node.get().requiredText();
		LifecycleAction result = XNode.enumValue(node.get().path(), value, LifecycleAction.class, supported);
		node.get().finish();
		return result;
	}

	private static Devices devices(XNode node, MachineFamily family) {
		Optional<String> emulator = node.child("emulator").map((child) -> {
			String path = absolutePath(child, child.requiredText());
			child.finish();
			return path;
		});
		List<Disk> disks = node.children("disk").stream().map(DomainXmlReader::disk).toList();
		List<Controller> controllers = node.children("controller").stream()
			.map((child) -> controller(child, family))
			.toList();
		List<NetInterface> interfaces = node.children("interface").stream().map(DomainXmlReader::netInterface)
			.toList();
		List<CharDevice> serials = node.children("serial").stream().map((child) -> charDevice(child, false)).toList();
		List<CharDevice> consoles = node.children("console").stream().map((child) -> charDevice(child, true))
			.toList();
		List<Channel> channels = node.children("channel").stream().map(DomainXmlReader::channel).toList();
		List<Graphics> graphics = node.children("graphics").stream().map(DomainXmlReader::graphics).toList();
		List<Video> videos = node.children("video").stream().map(DomainXmlReader::video).toList();
		List<Input> inputs = node.children("input").stream().map(DomainXmlReader::input).toList();
		List<Rng> rngs = node.children("rng").stream().map(DomainXmlReader::rng).toList();
		Optional<MemBalloon> memballoon = node.child("memballoon").map(DomainXmlReader::memballoon);
		List<Watchdog> watchdogs = node.children("watchdog").stream().map(DomainXmlReader::watchdog).toList();
		Optional<Vsock> vsock = node.child("vsock").map(DomainXmlReader::vsock);
		List<Panic> panics = node.children("panic").stream().map(DomainXmlReader::panic).toList();
		List<Integer> audios = new ArrayList<>();
		for (XNode child : node.children("audio")) {
			child.oneOf("type", null, "none");
			if (child.attr("type").isEmpty()) {
				throw new InvalidConfigurationException(child.attrPath("type"),
						"attribute 'type' of <audio> is required; supported: none (there are no sound devices)");
			}
			int id = child.intAttr("id", 1, 255).orElseThrow(() -> new InvalidConfigurationException(
					child.attrPath("id"), "attribute 'id' of <audio> is required"));
			if (audios.contains(id)) {
				throw new InvalidConfigurationException(child.attrPath("id"), "audio id " + id + " is used twice");
			}
			audios.add(id);
			child.finish();
		}
		node.refuse("filesystem", "<filesystem> (virtiofs, 9p) is not supported; attach the data as a <disk> instead");
		node.finish();
		return new Devices(emulator, disks, controllers, interfaces, serials, consoles, channels, graphics, videos,
				inputs, rngs, memballoon, watchdogs, vsock, audios, panics);
	}

	private static Disk disk(XNode node) {
		DiskType type = node.enumAttr("type", DiskType.class, DiskType.FILE);
		DiskDevice device = node.enumAttr("device", DiskDevice.class, DiskDevice.DISK);
		DiskDriver driver = node.child("driver").map((child) -> {
			child.oneOf("name", "qemu", "qemu");
			DiskFormat format = child.enumAttr("type", DiskFormat.class, DiskFormat.RAW);
			Optional<DiskCache> cache = child.enumAttr("cache", DiskCache.class);
			Optional<DiskDiscard> discard = child.enumAttr("discard", DiskDiscard.class);
			child.finish();
			return new DiskDriver(format, cache, discard);
		}).orElse(DiskDriver.RAW);
		Optional<DiskSource> source = node.child("source").map((child) -> {
			DiskSource result = switch (type) {
				case FILE -> new DiskSource(Optional.of(absolutePath(child, child.requiredAttr("file"))),
						Optional.empty(), Optional.empty(), Optional.empty());
				case BLOCK -> new DiskSource(Optional.empty(),
						Optional.of(absolutePath(child, child.requiredAttr("dev"))), Optional.empty(), Optional.empty());
				case VOLUME -> new DiskSource(Optional.empty(), Optional.empty(),
						Optional.of(objectName(child, "pool")), Optional.of(objectName(child, "volume")));
			};
			child.finish();
			return result;
		});
		if (source.isEmpty() && device == DiskDevice.DISK) {
			throw new InvalidConfigurationException(node.path() + "/source",
					"a disk needs a <source> (only a cdrom may be empty)");
		}
		XNode target = node.requiredChild("target");
		String dev = target.requiredAttr("dev");
		Optional<DiskBus> givenBus = target.enumAttr("bus", DiskBus.class);
		target.finish();
		DiskBus bus = givenBus.orElseGet(() -> busOf(target, dev));
		if (!dev.startsWith(DiskTargets.prefix(bus)) || DiskTargets.index(dev) < 0) {
			throw new InvalidConfigurationException(target.attrPath("dev"), "'" + Numbers.abbreviate(dev)
					+ "' is not a target name for bus " + bus.xmlName() + "; use " + DiskTargets.prefix(bus)
					+ "a, " + DiskTargets.prefix(bus) + "b, ...");
		}
		if (device == DiskDevice.CDROM && bus == DiskBus.VIRTIO) {
			throw new UnsupportedConfigurationException(target.attrPath("bus"),
					"a cdrom cannot be on the virtio bus; use sata, scsi or ide");
		}
		boolean readonly = flag(node, "readonly");
		if (readonly && device == DiskDevice.DISK && (bus == DiskBus.SATA || bus == DiskBus.IDE)) {
			throw new UnsupportedConfigurationException(node.path() + "/readonly",
					"QEMU's IDE/SATA hard disks cannot be read-only; use bus virtio or scsi, or device='cdrom'");
		}
		boolean shareable = flag(node, "shareable");
		Optional<String> serial = node.child("serial").map((child) -> {
			String value = child.requiredText();
			if (!value.matches("[A-Za-z0-9_ .+\\-]{1,20}")) {
				throw new InvalidConfigurationException(child.path(),
						"a disk serial is 1 to 20 characters from A-Z a-z 0-9 _ . + - and space");
			}
			child.finish();
			return value;
		});
		Optional<Integer> bootOrder = bootOrder(node);
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
			UUID uuid = uuidAttr(secret, "uuid");
			secret.finish();
			child.finish();
			return new DiskEncryption(format, uuid);
		});
		Optional<DeviceAddress> address = node.child("address").map((child) -> {
			if (bus == DiskBus.VIRTIO) {
				return (DeviceAddress) pciAddress(child);
			}
			return address(child, "drive");
		});
		node.finish();
		return new Disk(type, device, driver, source, dev, bus, readonly || device == DiskDevice.CDROM, shareable,
				serial, bootOrder, encryption, address);
	}

	private static DiskBus busOf(XNode target, String dev) {
		if (dev.startsWith("vd")) {
			return DiskBus.VIRTIO;
		}
		if (dev.startsWith("sd")) {
			return DiskBus.SCSI;
		}
		if (dev.startsWith("hd")) {
			return DiskBus.IDE;
		}
		throw new InvalidConfigurationException(target.attrPath("dev"), "cannot tell the bus of '"
				+ Numbers.abbreviate(dev) + "'; give <target bus='virtio|sata|scsi|ide'>");
	}

	private static String objectName(XNode node, String attr) {
		String value = node.requiredAttr(attr);
		if (!value.matches("[A-Za-z0-9_.+\\-]{1,128}") || value.startsWith(".")) {
			throw new InvalidConfigurationException(node.attrPath(attr),
					"'" + Numbers.abbreviate(value) + "' is not a valid " + attr + " name");
		}
		return value;
	}

	private static UUID uuidAttr(XNode node, String attr) {
		String value = node.requiredAttr(attr);
		if (!UUID_PATTERN.matcher(value).matches()) {
			throw new InvalidConfigurationException(node.attrPath(attr),
					"'" + Numbers.abbreviate(value) + "' is not a UUID");
		}
		String hex = value.replace("-", "");
		return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
				+ hex.substring(16, 20) + "-" + hex.substring(20));
	}

	private static Optional<Integer> bootOrder(XNode node) {
		return node.child("boot").map((child) -> {
			int order = child.intAttr("order", 1, 9999)
				.orElseThrow(() -> new InvalidConfigurationException(child.attrPath("order"),
						"attribute 'order' of <boot> is required"));
			child.finish();
			return order;
		});
	}

	private static DeviceAddress address(XNode node, String... allowed) {
		String type = node.requiredAttr("type");
		if (!List.of(allowed).contains(type)) {
			throw new UnsupportedConfigurationException(node.attrPath("type"), "address type '"
					+ Numbers.abbreviate(type) + "' is not supported here; supported: " + String.join(", ", allowed));
		}
		DeviceAddress address = switch (type) {
			case "pci" -> new PciAddress(node.intAttr("domain", 0, 0).orElse(0),
					node.intAttr("bus", 0, 255).orElse(0), node.intAttr("slot", 0, 31).orElse(0),
					node.intAttr("function", 0, 7).orElse(0), node.onOff("multifunction", false));
			case "drive" -> new DriveAddress(node.intAttr("controller", 0, 0).orElse(0),
					node.intAttr("bus", 0, 1).orElse(0), node.intAttr("target", 0, 255).orElse(0),
					node.intAttr("unit", 0, 255).orElse(0));
			case "virtio-serial" -> new VirtioSerialAddress(node.intAttr("controller", 0, 31).orElse(0),
					node.intAttr("bus", 0, 0).orElse(0), node.intAttr("port", 1, 30).orElse(1));
			case "usb" -> {
				int bus = node.intAttr("bus", 0, 0).orElse(0);
				String port = node.requiredAttr("port");
				if (!port.matches("[1-9][0-9]?(\\.[1-9][0-9]?){0,4}")) {
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

	private static PciAddress pciAddress(XNode node) {
		return (PciAddress) address(node, "pci");
	}

	private static String defaultPciModel(XNode node, MachineFamily family) {
		if (family != MachineFamily.Q35) {
			throw new UnsupportedConfigurationException(node.attrPath("model"),
					"PCI bridges on i440fx machines are not supported; devices sit on the root bus, remove the controller");
		}
		return "pcie-root-port";
	}

	private static Controller controller(XNode node, MachineFamily family) {
		ControllerType type = node.enumAttr("type", ControllerType.class)
			.orElseThrow(() -> new InvalidConfigurationException(node.attrPath("type"),
					"attribute 'type' of <controller> is required"));
		int index = node.intAttr("index", 0, 255).orElse(0);
		// Without a model, libvirt picks the machine's default and writes it back; so does this reader.
		Optional<String> model = switch (type) {
			case PCI -> Optional.of(node.oneOf("model", (index == 0) ? family.rootModel()
					: node.attr("model").isPresent() ? null : defaultPciModel(node, family),
					"pci-root", "pcie-root", "pcie-root-port"));
			case USB -> Optional.of(node.oneOf("model", (family == MachineFamily.Q35) ? "qemu-xhci" : "piix3-uhci",
					"qemu-xhci", "nec-xhci", "piix3-uhci", "none"));
			case SCSI -> Optional.of(node.oneOf("model", "lsilogic", "virtio-scsi"));
			case SATA, IDE, VIRTIO_SERIAL -> Optional.<String>empty();
		};
		if (model.isPresent() && model.get().equals("lsilogic")) {
			// libvirt's default for a SCSI controller without a model; an emulated controller this driver does not run
			throw new UnsupportedConfigurationException(node.attrPath("model"),
					"a SCSI controller without a model is libvirt's lsilogic, which is not supported; "
							+ "write model='virtio-scsi'");
		}
		Optional<Integer> chassis = Optional.empty();
		Optional<Integer> port = Optional.empty();
		if (model.isPresent() && model.get().equals("pcie-root-port")) {
			Optional<XNode> modelNode = node.child("model");
			modelNode.ifPresent((child) -> {
				child.oneOf("name", "pcie-root-port", "pcie-root-port");
				child.finish();
			});
			Optional<XNode> target = node.child("target");
			if (target.isPresent()) {
				chassis = target.get().intAttr("chassis", 0, 255);
				port = target.get().intAttr("port", 0, 255);
				target.get().finish();
			}
			if (index == 0) {
				throw new InvalidConfigurationException(node.attrPath("index"),
						"index 0 is the root bus; a pcie-root-port needs index 1 or more");
			}
		}
		else if (type == ControllerType.PCI && index != 0) {
			throw new InvalidConfigurationException(node.attrPath("index"),
					"the " + model.get() + " controller is the root bus and must have index 0");
		}
		Optional<PciAddress> address = node.child("address").map(DomainXmlReader::pciAddress);
		node.finish();
		return new Controller(type, index, model, chassis, port, address);
	}

	private static NetInterface netInterface(XNode node) {
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
		}).orElseGet(DomainXmlReader::generateMac);
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
				source = Optional.of(objectName(child, attr));
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
		if (targetDev.isPresent() && type != InterfaceType.ETHERNET) {
			throw new UnsupportedConfigurationException(node.path() + "/target", "<target dev> is only supported for"
					+ " <interface type='ethernet'> (bridge and network taps are created and named by qemu-bridge-helper)");
		}
		Optional<Integer> bootOrder = bootOrder(node);
		Optional<PciAddress> address = node.child("address").map(DomainXmlReader::pciAddress);
		node.finish();
		return new NetInterface(type, mac, model, source, targetDev, bootOrder, address);
	}

	private static String generateMac() {
		byte[] bytes = new byte[3];
		RANDOM.nextBytes(bytes);
		return String.format("52:54:00:%02x:%02x:%02x", bytes[0] & 0xff, bytes[1] & 0xff, bytes[2] & 0xff);
	}

	private static CharDevice charDevice(XNode node, boolean console) {
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
				path = Optional.of(absolutePath(child, child.requiredAttr("path")));
				child.finish();
			}
			case UNIX -> {
				XNode child = source.orElseThrow(() -> new InvalidConfigurationException(node.path() + "/source",
						"<" + node.name() + " type='unix'> needs <source mode='bind|connect' path='...'/>"));
				mode = Optional.of(child.enumAttr("mode", SourceMode.class, SourceMode.BIND));
				path = Optional.of(absolutePath(child, child.requiredAttr("path")));
				child.finish();
			}
			case TCP -> {
				XNode child = source.orElseThrow(() -> new InvalidConfigurationException(node.path() + "/source",
						"<" + node.name() + " type='tcp'> needs <source mode host service/>"));
				mode = Optional.of(child.enumAttr("mode", SourceMode.class, SourceMode.BIND));
				String hostValue = child.requiredAttr("host");
				if (!hostValue.matches("[A-Za-z0-9.:\\-]{1,253}")) {
					throw new InvalidConfigurationException(child.attrPath("host"),
							"'" + Numbers.abbreviate(hostValue) + "' is not a host name or address");
				}
				host = Optional.of(hostValue);
				service = Optional.of(String.valueOf(Numbers.parse(child.attrPath("service"),
						child.requiredAttr("service"), 1, 65535)));
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

	private static Channel channel(XNode node) {
		node.oneOf("type", null, "unix");
		if (node.attr("type").isEmpty()) {
			throw new InvalidConfigurationException(node.attrPath("type"),
					"attribute 'type' of <channel> is required; supported: unix");
		}
		Optional<String> path = node.child("source").flatMap((child) -> {
			child.oneOf("mode", "bind", "bind");
			Optional<String> value = child.attr("path").map((text) -> absolutePath(child, text));
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
		target.finish();
		Optional<VirtioSerialAddress> address = node.child("address")
			.map((child) -> (VirtioSerialAddress) address(child, "virtio-serial"));
		node.finish();
		return new Channel(path, name, address);
	}

	private static Graphics graphics(XNode node) {
		String type = node.oneOf("type", null, "vnc", "none");
		if (type == null) {
			throw new InvalidConfigurationException(node.attrPath("type"),
					"attribute 'type' of <graphics> is required; supported: vnc, none");
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
		if (!listen.matches("[0-9A-Fa-f.:]{2,45}")) {
			throw new InvalidConfigurationException(node.attrPath("listen"),
					"'" + Numbers.abbreviate(listen) + "' is not an IP address");
		}
		Optional<String> passwd = node.attr("passwd");
		if (passwd.isPresent() && (passwd.get().length() > 8 || passwd.get().isEmpty())) {
			throw new InvalidConfigurationException(node.attrPath("passwd"),
					"a VNC password has 1 to 8 characters (VNC authentication uses only 8)");
		}
		node.finish();
		return new Graphics("vnc", autoport ? Optional.empty() : port, autoport, listen, passwd);
	}

	private static Video video(XNode node) {
		XNode model = node.requiredChild("model");
		String type = model.oneOf("type", null, "vga", "cirrus", "virtio", "bochs", "none");
		if (type == null) {
			throw new InvalidConfigurationException(model.attrPath("type"),
					"attribute 'type' of the video <model> is required; supported: vga, cirrus, virtio, bochs, none");
		}
		Optional<Integer> vram = model.intAttr("vram", 1024, 256 * 1024);
		if (vram.isPresent() && !(type.equals("vga") || type.equals("cirrus") || type.equals("bochs"))) {
			throw new UnsupportedConfigurationException(model.attrPath("vram"),
					"vram is supported for vga, cirrus and bochs only");
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
		model.finish();
		Optional<PciAddress> address = node.child("address").map(DomainXmlReader::pciAddress);
		node.finish();
		if (type.equals("none") && (vram.isPresent() || heads.isPresent() || address.isPresent())) {
			throw new InvalidConfigurationException(node.path(), "video model 'none' takes no other settings");
		}
		return new Video(type, vram, heads, primary, address);
	}

	private static Input input(XNode node) {
		InputType type = node.enumAttr("type", InputType.class)
			.orElseThrow(() -> new InvalidConfigurationException(node.attrPath("type"),
					"attribute 'type' of <input> is required; supported: tablet, mouse, keyboard"));
		InputBus bus = node.enumAttr("bus", InputBus.class,
				type == InputType.TABLET ? InputBus.USB : InputBus.PS2);
		if (type == InputType.TABLET && bus == InputBus.PS2) {
			throw new InvalidConfigurationException(node.attrPath("bus"), "a tablet cannot be on ps2; use usb or virtio");
		}
		Optional<DeviceAddress> address = node.child("address").map((child) -> switch (bus) {
			case USB -> address(child, "usb");
			case VIRTIO -> address(child, "pci");
			case PS2 -> throw new UnsupportedConfigurationException(child.path(), "PS/2 inputs have no address");
		});
		node.finish();
		return new Input(type, bus, address);
	}

	private static Rng rng(XNode node) {
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
			throw new UnsupportedConfigurationException(backend.path(),
					"entropy source '" + Numbers.abbreviate(path) + "' is not supported; supported: /dev/urandom, /dev/random, /dev/hwrng");
		}
		backend.finish();
		Optional<PciAddress> address = node.child("address").map(DomainXmlReader::pciAddress);
		node.finish();
		return new Rng(path, address);
	}

	private static MemBalloon memballoon(XNode node) {
		String model = node.oneOf("model", null, "virtio", "none");
		if (model == null) {
			throw new InvalidConfigurationException(node.attrPath("model"),
					"attribute 'model' of <memballoon> is required; supported: virtio, none");
		}
		Optional<PciAddress> address = node.child("address").map(DomainXmlReader::pciAddress);
		node.finish();
		if (model.equals("none") && address.isPresent()) {
			throw new InvalidConfigurationException(node.path() + "/address", "memballoon model 'none' has no address");
		}
		return new MemBalloon(model, address);
	}

	private static Watchdog watchdog(XNode node) {
		String model = node.oneOf("model", null, "i6300esb", "ib700");
		if (model == null) {
			throw new InvalidConfigurationException(node.attrPath("model"),
					"attribute 'model' of <watchdog> is required; supported: i6300esb, ib700");
		}
		WatchdogAction action = node.enumAttr("action", WatchdogAction.class, WatchdogAction.RESET);
		Optional<PciAddress> address = node.child("address").map(DomainXmlReader::pciAddress);
		node.finish();
		if (model.equals("ib700") && address.isPresent()) {
			throw new InvalidConfigurationException(node.path() + "/address", "the ib700 watchdog is an ISA device without a PCI address");
		}
		return new Watchdog(model, action, address);
	}

	private static Panic panic(XNode node) {
		// libvirt's default model on x86 is isa
		PanicModel model = node.enumAttr("model", PanicModel.class, PanicModel.ISA);
		Optional<DeviceAddress> address = node.child("address")
			.map((child) -> address(child, (model == PanicModel.ISA) ? "isa" : "pci"));
		node.finish();
		return new Panic(model, address);
	}

	private static Vsock vsock(XNode node) {
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
		Optional<PciAddress> pci = node.child("address").map(DomainXmlReader::pciAddress);
		node.finish();
		return new Vsock(address, pci);
	}

	private static QemuCommandline commandline(XNode domain) {
		List<String> args = new ArrayList<>();
		Map<String, String> env = new LinkedHashMap<>();
		for (XNode node : domain.namespacedChildren(QemuCommandline.NAMESPACE, "qemu", "commandline")) {
			for (XNode arg : node.namespacedChildren(QemuCommandline.NAMESPACE, "qemu", "arg")) {
				args.add(arg.requiredAttr("value"));
				arg.finish();
			}
			for (XNode variable : node.namespacedChildren(QemuCommandline.NAMESPACE, "qemu", "env")) {
				String name = variable.requiredAttr("name");
				if (!ENV_NAME.matcher(name).matches()) {
					throw new InvalidConfigurationException(variable.attrPath("name"),
							"'" + Numbers.abbreviate(name) + "' is not an environment variable name");
				}
				String value = variable.attr("value").orElse("");
				if (env.put(name, value) != null) {
					throw new InvalidConfigurationException(variable.attrPath("name"),
							"environment variable '" + name + "' is set twice");
				}
				variable.finish();
			}
			node.finish();
		}
		return new QemuCommandline(args, env);
	}

}
