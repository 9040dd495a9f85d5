package io.github.qemuembed.driver.internal.xml;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Binds a hardened DOM to the typed model, strictly: see {@link XNode}. This class reads
 * {@code <domain>} and its small children and hands the rest to one reader per element
 * ({@link OsReader}, {@link DevicesReader}, ...); {@link DomainRules} then checks what
 * spans several elements, as libvirt splits {@code domain_conf.c} (parsing) from
 * {@code domain_validate.c} and {@code qemu_validate.c}.
 */
final class DomainXmlReader {

	private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

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
		Optional<UUID> givenUuid = domain.child("uuid").map(XmlValues::uuid);
		Optional<Sysinfo> sysinfo = domain.child("sysinfo")
			.map((node) -> SysinfoReader.read(node, givenUuid.orElse(null), givenUuid.isPresent()));
		// as libvirt: without <uuid> the SMBIOS system uuid is the domain's
		UUID uuid = givenUuid.or(() -> sysinfo.map((info) -> info.system().get("uuid")).map(UUID::fromString))
			.orElseGet(UUID::randomUUID);
		Optional<String> title = domain.child("title").map(DomainXmlReader::title);
		Optional<String> description = domain.child("description").map((node) -> {
			String text = node.text();
			node.finish();
			return text;
		});
		Optional<String> metadata = domain.child("metadata").map(DomainXmlReader::metadata);
		Optional<CpuConfig> cpu = domain.child("cpu").map(CpuReader::cpu);
		long numaMemory = numaMemory(cpu);
		if (numaMemory > XmlValues.MAX_MEMORY_KIB) {
			throw new InvalidConfigurationException("/domain/cpu/numa",
					"the cells' memory adds up to more than the " + "supported maximum of 16 TiB");
		}
		// with NUMA cells libvirt takes their sum as <memory>, whatever it says (it may
		// even be left out)
		long memory = (numaMemory > 0)
				? domain.child("memory").map(XmlValues::memory).map((given) -> numaMemory).orElse(numaMemory)
				: XmlValues.memory(domain.requiredChild("memory"));
		if (memory == 0) {
			throw new InvalidConfigurationException("/domain/memory", "memory must be more than 0");
		}
		long currentMemory = domain.child("currentMemory")
			.map(XmlValues::memory)
			.map((value) -> (numaMemory > 0) ? Math.min(value, memory) : value)
			.orElse(memory);
		if (currentMemory == 0) {
			throw new InvalidConfigurationException("/domain/currentMemory", "currentMemory must be more than 0");
		}
		domain.refuse("memtune", "<memtune> limits are not applied by this driver; remove the element");
		Optional<MemoryBacking> memoryBacking = domain.child("memoryBacking").map(DomainXmlReader::memoryBacking);
		Vcpu vcpu = domain.child("vcpu").map(CpuReader::vcpu).orElse(new Vcpu(1, Optional.empty()));
		List<Integer> iothreads = iothreads(domain);
		OsConfig os = OsReader.read(domain.requiredChild("os"));
		Features features = domain.child("features").map(FeaturesReader::read).orElse(Features.NONE);
		Optional<ClockConfig> clock = domain.child("clock").map(ClockReader::read);
		PowerManagement pm = domain.child("pm").map(DomainXmlReader::pm).orElse(PowerManagement.DEFAULT);
		LifecycleAction onPoweroff = lifecycle(domain, "on_poweroff", LifecycleAction.DESTROY, LifecycleAction.DESTROY,
				LifecycleAction.RESTART, LifecycleAction.PRESERVE);
		LifecycleAction onReboot = lifecycle(domain, "on_reboot", LifecycleAction.RESTART, LifecycleAction.RESTART,
				LifecycleAction.DESTROY);
		LifecycleAction onCrash = lifecycle(domain, "on_crash", LifecycleAction.DESTROY, LifecycleAction.DESTROY,
				LifecycleAction.RESTART, LifecycleAction.PRESERVE);
		MachineFamily family = MachineFamily.of(os.machine().orElse("pc"));
		Devices devices = domain.child("devices").map((node) -> DevicesReader.read(node, family)).orElse(Devices.NONE);
		QemuCommandline commandline = commandline(domain);
		domain.finish();
		DomainDefinition definition = new DomainDefinition(type, name, uuid, title, description, metadata, memory,
				currentMemory, vcpu, os, features, cpu, clock, pm, onPoweroff, onReboot, onCrash, devices, commandline,
				memoryBacking, sysinfo, iothreads);
		DomainRules.check(definition);
		return definition;
	}

	private static long numaMemory(Optional<CpuConfig> cpu) {
		long sum = 0;
		for (NumaCell cell : cpu.map(CpuConfig::numa).orElse(List.of())) {
			sum += cell.memoryKiB();
		}
		return sum;
	}

	static String title(XNode node) {
		String title = node.text();
		if (title.contains("\n")) {
			throw new InvalidConfigurationException(node.path(), "the title must be a single line");
		}
		node.finish();
		return title;
	}

	static String metadata(XNode node) {
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

	static PowerManagement pm(XNode node) {
		Optional<Boolean> mem = node.child("suspend-to-mem").map((child) -> XmlValues.enabled(child));
		Optional<Boolean> disk = node.child("suspend-to-disk").map((child) -> XmlValues.enabled(child));
		node.finish();
		return new PowerManagement(mem, disk);
	}

	static LifecycleAction lifecycle(XNode domain, String name, LifecycleAction defaultAction,
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

	static QemuCommandline commandline(XNode domain) {
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

	/**
	 * {@code <iothreads>N</iothreads>} and {@code <iothreadids>}: the ids given, then (as
	 * libvirt) the lowest free ids up to N threads.
	 */
	static List<Integer> iothreads(XNode domain) {
		int count = domain.child("iothreads").map((node) -> {
			int value = (int) Numbers.parse(node.path(), node.requiredText(), 0, 64);
			node.finish();
			return value;
		}).orElse(0);
		TreeSet<Integer> ids = new TreeSet<>();
		domain.child("iothreadids").ifPresent((node) -> {
			for (XNode thread : node.children("iothread")) {
				int id = thread.intAttr("id", 1, 64)
					.orElseThrow(() -> new InvalidConfigurationException(thread.attrPath("id"),
							"attribute 'id' of <iothread> is required (1 to 64)"));
				if (!ids.add(id)) {
					throw new InvalidConfigurationException(thread.attrPath("id"),
							"iothread " + id + " is listed twice");
				}
				thread.finish();
			}
			node.finish();
		});
		if (ids.size() > count && domain.child("iothreads").isPresent()) {
			throw new InvalidConfigurationException("/domain/iothreadids",
					"<iothreadids> lists " + ids.size() + " threads, more than <iothreads> (" + count + ")");
		}
		for (int id = 1; ids.size() < count; id++) {
			ids.add(id);
		}
		return new ArrayList<>(ids);
	}

	private static MemoryBacking memoryBacking(XNode node) {
		String source = node.child("source").map((child) -> {
			String type = child.oneOf("type", "anonymous", "anonymous", "memfd");
			child.finish();
			return type;
		}).orElse("anonymous");
		boolean shared = node.child("access").map((child) -> {
			String mode = child.oneOf("mode", "private", "shared", "private");
			child.finish();
			return mode.equals("shared");
		}).orElse(false);
		boolean hugepages = node.child("hugepages").isPresent();
		Optional<Long> pageKiB = Optional.empty();
		List<MemoryBacking.NodePages> nodePages = new ArrayList<>();
		BitSet covered = new BitSet();
		Optional<XNode> hugepagesNode = node.child("hugepages");
		if (hugepagesNode.isPresent()) {
			XNode child = hugepagesNode.get();
			boolean defaultPage = false;
			for (XNode page : child.children("page")) {
				long kib = pageKiB(page);
				Optional<String> nodeset = page.attr("nodeset")
					.map((text) -> CpuSets.normalize(page.attrPath("nodeset"), text));
				if (nodeset.isEmpty()) {
					if (defaultPage) {
						throw new InvalidConfigurationException(page.path(),
								"only one <page> may go without a nodeset (it sizes the pages of every other node)");
					}
					defaultPage = true;
					pageKiB = Optional.of(kib);
				}
				else {
					BitSet nodes = CpuSets.parse(page.attrPath("nodeset"), nodeset.get());
					if (nodes.intersects(covered)) {
						throw new InvalidConfigurationException(page.attrPath("nodeset"),
								"a NUMA node is in the nodeset of two <page> elements; give each node one page size");
					}
					covered.or(nodes);
					nodePages.add(new MemoryBacking.NodePages(kib, nodeset.get()));
				}
				page.finish();
			}
			child.finish();
		}
		node.finish();
		return new MemoryBacking(source, shared, hugepages, pageKiB, nodePages);
	}

	private static long pageKiB(XNode page) {
		long scale = XmlValues.unitScale(page.attrPath("unit"), page.attr("unit").orElse("KiB"));
		long value = Numbers.parse(page.attrPath("size"), page.requiredAttr("size"), 1, Long.MAX_VALUE);
		long bytes = (value > (16L << 30) / scale) ? -1 : value * scale;
		if (bytes < 4096 || Long.bitCount(bytes) != 1) {
			throw new InvalidConfigurationException(page.attrPath("size"),
					"a page size is a power of two " + "(2048 KiB or 1 GiB on x86)");
		}
		return bytes / 1024;
	}

}
