package io.github.qemuembed.driver.internal.core;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.error.QmpException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.command.QemuCommandBuilder.HotplugKind;
import io.github.qemuembed.driver.internal.command.QemuCommandBuilder;
import io.github.qemuembed.driver.internal.xml.Controller;
import io.github.qemuembed.driver.internal.xml.Devices;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.SecureXml;
import org.w3c.dom.Element;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hot-plug of disks, NICs and virtio-serial channels, libvirt's attach/detach-device. A
 * fragment is read by the domain XML reader itself (put into the definition's
 * {@code <devices>} and the whole parsed and validated again), the new definition gets
 * its addresses as at a start, and the command builder's own
 * {@code -blockdev}/{@code -netdev}/{@code -chardev}/{@code -device} options for that one
 * device become QMP commands: what runs after a hot-plug is what a start with that
 * definition would run. Called by {@link ManagedDomain} under its operation lock.
 */
final class DomainHotplug {

	private static final System.Logger logger = System.getLogger(DomainHotplug.class.getName());

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Map<String, HotplugKind> KINDS = Map.of("disk", HotplugKind.DISK, "interface",
			HotplugKind.INTERFACE, "channel", HotplugKind.CHANNEL);

	private final DriverContext context;

	private final ManagedDomain domain;

	private final DomainProcesses processes;

	DomainHotplug(DriverContext context, ManagedDomain domain, DomainProcesses processes) {
		this.context = context;
		this.domain = domain;
		this.processes = processes;
	}

	/** A definition with one more device, and where that device is. */
	record Added(DomainDefinition definition, HotplugKind kind, int position, String description) {
	}

	/**
	 * {@code definition} with the fragment's device added at the end of its list, parsed
	 * and validated like a define (a duplicate target, a bad address or an unknown
	 * element fails as it would there).
	 */
	static Added withDevice(DomainDefinition definition, String fragment) {
		Element element = element(fragment);
		HotplugKind kind = kindOf(element);
		String xml = DomainXml.write(definition, true);
		int end = xml.lastIndexOf("</devices>");
		String combined;
		if (end >= 0) {
			combined = xml.substring(0, end) + fragment.strip() + "\n" + xml.substring(end);
		}
		else {
			int domainEnd = xml.lastIndexOf("</domain>");
			combined = xml.substring(0, domainEnd) + "<devices>" + fragment.strip() + "</devices>\n"
					+ xml.substring(domainEnd);
		}
		DomainDefinition next = DomainXml.parse(combined);
		int position = size(next.devices(), kind) - 1;
		if (position != size(definition.devices(), kind)) {
			throw new InvalidConfigurationException("/" + element.getTagName(),
					"the fragment did not add exactly one <" + element.getTagName() + ">");
		}
		return new Added(next, kind, position, describe(next.devices(), kind, position));
	}

	/**
	 * {@code definition} without the device the fragment names, and that device's
	 * position.
	 */
	static Added withoutDevice(DomainDefinition definition, String fragment) {
		Element element = element(fragment);
		HotplugKind kind = kindOf(element);
		Devices devices = definition.devices();
		int position = find(devices, kind, element, definition.name());
		String description = describe(devices, kind, position);
		Devices remaining = switch (kind) {
			case DISK -> devices.withDisks(without(devices.disks(), position));
			case INTERFACE -> devices.withInterfaces(without(devices.interfaces(), position));
			case CHANNEL -> devices.withChannels(without(devices.channels(), position));
		};
		return new Added(definition.withDevices(remaining), kind, position, description);
	}

	// ---- live ----

	/** Plugs the fragment's device into the running QEMU; returns what was added. */
	String attachLive(QemuRun run, String fragment) {
		DomainDefinition live = run.liveDefinition;
		Added added = withDevice(live, fragment);
		DomainDefinition assigned = added.definition().withAssignedAddresses(live.os().machine().orElseThrow());
		checkControllers(live, assigned, added);
		DomainDefinition alone = assigned.withDevices(only(assigned.devices(), added.kind(), added.position()));
		SecondaryResolver.Resolved resolved = SecondaryResolver.resolve(this.context, alone, run.privateDir,
				run.monitorSocket, this.context.layout().pidFile(live.name()),
				this.context.layout().logFile(live.name()));
		Deque<Runnable> undo = new ArrayDeque<>();
		try {
			int idIndex = freeIdIndex(run, added.kind(), added.position());
			List<String> args = QemuCommandBuilder.deviceArgs(assigned, this.context.capabilities(), resolved.context(),
					added.kind(), added.position(), idIndex);
			for (int i = 0; i + 1 < args.size(); i += 2) {
				execute(run, args.get(i), args.get(i + 1), undo);
			}
		}
		catch (RuntimeException ex) {
			while (!undo.isEmpty()) {
				try {
					undo.pop().run();
				}
				catch (RuntimeException undoFailure) {
					logger.log(Level.WARNING, "Could not undo part of a failed hot-plug into domain '" + live.name()
							+ "': " + undoFailure.getMessage());
				}
			}
			SecondaryResolver.release(this.context, resolved.ports());
			throw ex;
		}
		if (!resolved.ports().isEmpty()) {
			run.addNetworkPorts(resolved.ports());
		}
		this.processes.recordLive(run, assigned);
		return added.description();
	}

	/**
	 * Asks QEMU (and so the guest) to release the device and waits for
	 * {@code DEVICE_DELETED}; then removes its back ends and updates the live definition.
	 * Returns what was removed.
	 */
	String detachLive(QemuRun run, String fragment, Duration timeout) {
		DomainDefinition live = run.liveDefinition;
		Added removed = withoutDevice(live, fragment);
		String id = qemuId(run, live, removed.kind(), removed.position());
		List<Runnable> backends = backendCleanup(run, live, removed.kind(), removed.position(), id);
		CompletableFuture<JsonNode> deleted = run.waiters.await("DEVICE_DELETED",
				(data) -> id.equals(data.path("device").asString("")));
		try {
			run.monitor.deviceDel(id);
		}
		catch (RuntimeException ex) {
			deleted.cancel(false);
			throw ex;
		}
		Runnable finish = () -> {
			backends.forEach(Runnable::run);
			DomainDefinition now = run.liveDefinition;
			Added gone = withoutDevice(now, fragment);
			this.processes.recordLive(run, gone.definition());
		};
		try {
			deleted.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			// the guest may still let it go: then the back ends are removed and the live
			// XML follows
			deleted.thenRun(() -> {
				try {
					finish.run();
					logger.log(Level.INFO, "The guest of domain '" + live.name() + "' released " + removed.description()
							+ " after the detach had timed out");
				}
				catch (RuntimeException late) {
					logger.log(Level.WARNING,
							"Could not finish the late detach of " + removed.description() + ": " + late.getMessage());
				}
			});
			throw new OperationTimeoutException("The guest of domain '" + live.name() + "' did not release "
					+ removed.description() + " (QEMU device '" + id + "') within " + timeout
					+ ": it stays in the live "
					+ "XML until the guest lets it go. A guest without hot-plug support (no OS yet, no ACPI or PCIe "
					+ "hot-plug driver) never does: detach it with DeviceFlag.CONFIG and restart the domain, or retry "
					+ "with a longer timeout");
		}
		catch (InterruptedException ex) {
			throw OperationInterruptedException.restoring("Interrupted while waiting for the guest of domain '"
					+ live.name() + "' to release " + removed.description(), ex);
		}
		catch (ExecutionException ex) {
			throw Failures.unwrap(ex.getCause());
		}
		finish.run();
		return removed.description();
	}

	// ---- helpers ----

	private static Element element(String fragment) {
		if (fragment == null || fragment.isBlank()) {
			throw new InvalidConfigurationException("/",
					"no device XML given: pass one <disk>, <interface> or " + "<channel> element");
		}
		try {
			return SecureXml.parseElement(fragment, "device");
		}
		catch (InvalidConfigurationException ex) {
			throw new InvalidConfigurationException("/", "invalid device XML: " + ex.getMessage());
		}
	}

	private static HotplugKind kindOf(Element element) {
		HotplugKind kind = KINDS.get(element.getTagName());
		if (kind == null) {
			throw new UnsupportedConfigurationException("/" + element.getTagName(),
					"<" + element.getTagName()
							+ "> cannot be hot-plugged: attach and detach take one <disk>, <interface> or <channel>; "
							+ "other devices need a changed definition and a restart");
		}
		return kind;
	}

	private static int size(Devices devices, HotplugKind kind) {
		return switch (kind) {
			case DISK -> devices.disks().size();
			case INTERFACE -> devices.interfaces().size();
			case CHANNEL -> devices.channels().size();
		};
	}

	private static String describe(Devices devices, HotplugKind kind, int position) {
		return switch (kind) {
			case DISK -> "disk " + devices.disks().get(position).targetDev();
			case INTERFACE -> "interface " + devices.interfaces().get(position).mac();
			case CHANNEL -> "channel " + devices.channels().get(position).targetName();
		};
	}

	/**
	 * libvirt's matching: a disk by target, a NIC by MAC address, a channel by target
	 * name.
	 */
	private static int find(Devices devices, HotplugKind kind, Element element, String domainName) {
		String tag = element.getTagName();
		switch (kind) {
			case DISK -> {
				String target = SecureXml.child(element, "target")
					.flatMap((t) -> SecureXml.attribute(t, "dev"))
					.orElseThrow(() -> new InvalidConfigurationException("/disk/target",
							"name the disk to detach with <target dev='vdb'/>"));
				for (int i = 0; i < devices.disks().size(); i++) {
					if (devices.disks().get(i).targetDev().equals(target)) {
						return i;
					}
				}
				throw missing(domainName, tag, "target '" + target + "'");
			}
			case INTERFACE -> {
				String mac = SecureXml.child(element, "mac")
					.flatMap((m) -> SecureXml.attribute(m, "address"))
					.orElseThrow(() -> new InvalidConfigurationException("/interface/mac",
							"name the interface to detach with <mac address='52:54:00:...'/>"))
					.toLowerCase(Locale.ROOT);
				for (int i = 0; i < devices.interfaces().size(); i++) {
					if (devices.interfaces().get(i).mac().equals(mac)) {
						return i;
					}
				}
				throw missing(domainName, tag, "MAC address " + mac);
			}
			case CHANNEL -> {
				String name = SecureXml.child(element, "target")
					.flatMap((t) -> SecureXml.attribute(t, "name"))
					.orElseThrow(() -> new InvalidConfigurationException("/channel/target",
							"name the channel to detach with <target type='virtio' name='...'/>"));
				for (int i = 0; i < devices.channels().size(); i++) {
					if (devices.channels().get(i).targetName().equals(name)) {
						return i;
					}
				}
				throw missing(domainName, tag, "target name '" + name + "'");
			}
		}
		throw new IllegalStateException(kind.toString());
	}

	private static InvalidOperationException missing(String domainName, String tag, String what) {
		return new InvalidOperationException("Domain '" + domainName + "' has no <" + tag + "> with " + what
				+ ": see its XML for the devices it has");
	}

	private static <T> List<T> without(List<T> list, int position) {
		List<T> copy = new ArrayList<>(list);
		copy.remove(position);
		return copy;
	}

	/**
	 * The devices with only the one at {@code position} of its kind (for resolving its
	 * secondary facts).
	 */
	private static Devices only(Devices devices, HotplugKind kind, int position) {
		return switch (kind) {
			case DISK -> Devices.NONE.withDisks(List.of(devices.disks().get(position)));
			case INTERFACE -> Devices.NONE.withInterfaces(List.of(devices.interfaces().get(position)));
			case CHANNEL -> Devices.NONE.withChannels(List.of(devices.channels().get(position)));
		};
	}

	/**
	 * A running machine cannot grow controllers: a device that needs a new one (a free
	 * {@code pcie-root-port} on q35, a SCSI or virtio-serial controller) is refused with
	 * what to add to the definition.
	 */
	private static void checkControllers(DomainDefinition live, DomainDefinition assigned, Added added) {
		List<Controller> before = live.devices().controllers();
		for (Controller controller : assigned.devices().controllers()) {
			boolean known = before.stream()
				.anyMatch((c) -> c.type() == controller.type() && c.index() == controller.index());
			if (!known) {
				String model = controller.model().map((m) -> " model='" + m + "'").orElse("");
				throw new UnsupportedConfigurationException("/devices/" + added.kind().name().toLowerCase(Locale.ROOT),
						"hot-plugging " + added.description() + " needs a new <controller type='"
								+ controller.type().name().toLowerCase(Locale.ROOT) + "'" + model
								+ ">, which a running domain cannot get: define the domain with "
								+ (model.isEmpty() ? "that controller" : "a spare one") + " and restart it"
								+ (model.contains("pcie-root-port") ? rootPorts(before) : ""));
			}
		}
	}

	/**
	 * The number the new device's QEMU ids get: its position, as at a start, unless a
	 * device unplugged earlier left QEMU with that id taken (ids of NICs and channels
	 * follow their position at start).
	 */
	private static int freeIdIndex(QemuRun run, HotplugKind kind, int position) {
		if (kind == HotplugKind.DISK) {
			return position;
		}
		Set<String> taken = peripherals(run);
		String prefix = (kind == HotplugKind.INTERFACE) ? "net" : "channel";
		int index = position;
		while (taken.contains(prefix + index)) {
			index++;
		}
		return index;
	}

	private static Set<String> peripherals(QemuRun run) {
		Set<String> ids = new HashSet<>();
		for (JsonNode entry : run.monitor.qomList("/machine/peripheral")) {
			ids.add(entry.path("name").asString(""));
		}
		return ids;
	}

	/**
	 * The QEMU device id of the device: a disk's follows its target; a NIC or channel is
	 * looked up in QEMU.
	 */
	private static String qemuId(QemuRun run, DomainDefinition live, HotplugKind kind, int position) {
		if (kind == HotplugKind.DISK) {
			return QemuCommandBuilder.diskDeviceId(live.devices().disks().get(position));
		}
		String prefix = (kind == HotplugKind.INTERFACE) ? "net" : "channel";
		String property = (kind == HotplugKind.INTERFACE) ? "mac" : "name";
		String wanted = (kind == HotplugKind.INTERFACE) ? live.devices().interfaces().get(position).mac()
				: live.devices().channels().get(position).targetName();
		for (String id : peripherals(run)) {
			if (id.matches(prefix + "[0-9]+")) {
				JsonNode value = run.monitor.qomGet("/machine/peripheral/" + id, property);
				if (wanted.equalsIgnoreCase(value.asString(""))) {
					return id;
				}
			}
		}
		throw new InvalidOperationException("QEMU of domain '" + live.name() + "' has no device for "
				+ describe(live.devices(), kind, position) + ": it may have been removed by a raw QMP command");
	}

	/**
	 * What to remove once QEMU released the device: its block nodes, its netdev or its
	 * chardev.
	 */
	private List<Runnable> backendCleanup(QemuRun run, DomainDefinition live, HotplugKind kind, int position,
			String id) {
		List<Runnable> steps = new ArrayList<>();
		switch (kind) {
			case DISK -> {
				List<String> nodes = new ArrayList<>();
				for (JsonNode device : run.monitor.queryBlock()) {
					String qdev = device.path("qdev").asString("");
					if (qdev.equals(id) || qdev.startsWith("/machine/peripheral/" + id + "/")) {
						JsonNode inserted = device.path("inserted");
						nodes.add(inserted.path("node-name").asString(""));
						// overlays a live snapshot added carry the driver's node names
						// (see DomainSnapshots)
						for (JsonNode image = inserted.path("image"); !image.isMissingNode(); image = image
							.path("backing-image")) {
							nodes.add("snap-" + Integer.toHexString(image.path("filename").asString("").hashCode()));
						}
					}
				}
				nodes.add(id + "-format");
				nodes.add(id + "-storage");
				List<String> distinct = nodes.stream().filter((n) -> !n.isEmpty()).distinct().toList();
				steps.add(() -> distinct
					.forEach((node) -> quietly("blockdev-del " + node, () -> run.monitor.blockdevDel(node))));
			}
			case INTERFACE -> {
				JsonNode netdev = run.monitor.qomGet("/machine/peripheral/" + id, "netdev");
				String netdevId = netdev.asString("");
				steps.add(() -> quietly("netdev_del " + netdevId, () -> run.monitor.netdevDel(netdevId)));
			}
			case CHANNEL -> {
				JsonNode chardev = run.monitor.qomGet("/machine/peripheral/" + id, "chardev");
				String chardevId = chardev.asString("");
				steps.add(() -> quietly("chardev-remove " + chardevId, () -> run.monitor.chardevRemove(chardevId)));
			}
		}
		return steps;
	}

	private static String rootPorts(List<Controller> controllers) {
		long ports = controllers.stream().filter((c) -> c.model().filter("pcie-root-port"::equals).isPresent()).count();
		return " (on q35 every PCIe device takes a <controller type='pci' model='pcie-root-port'/> of its own at start,"
				+ " and each device to hot-plug needs one more; this domain has " + ports + " root port"
				+ (ports == 1 ? "" : "s") + ", all taken)";
	}

	/**
	 * A clean-up command whose "not found" is expected (a node that a chain did not
	 * have).
	 */
	private static void quietly(String what, Runnable command) {
		try {
			command.run();
		}
		catch (QmpException ex) {
			logger.log(Level.DEBUG, () -> what + ": " + ex.getMessage());
		}
	}

	/**
	 * One command-line option as its QMP command; {@code undo} gets the command that
	 * takes it back.
	 */
	private static void execute(QemuRun run, String option, String value, Deque<Runnable> undo) {
		switch (option) {
			case "-blockdev" -> {
				ObjectNode arguments = object(value);
				run.monitor.blockdevAdd(arguments);
				String node = arguments.path("node-name").asString();
				undo.push(() -> run.monitor.blockdevDel(node));
			}
			case "-object" -> {
				ObjectNode arguments = object(value);
				run.monitor.objectAdd(arguments);
				String id = arguments.path("id").asString();
				undo.push(() -> run.monitor.objectDel(id));
			}
			case "-netdev" -> {
				ObjectNode arguments = object(value);
				run.monitor.netdevAdd(arguments);
				String id = arguments.path("id").asString();
				undo.push(() -> run.monitor.netdevDel(id));
			}
			case "-chardev" -> {
				ObjectNode arguments = chardev(value);
				run.monitor.chardevAdd(arguments);
				String id = arguments.path("id").asString();
				undo.push(() -> run.monitor.chardevRemove(id));
			}
			case "-device" -> {
				ObjectNode arguments = object(value);
				run.monitor.deviceAdd(arguments);
				String id = arguments.path("id").asString();
				undo.push(() -> run.monitor.deviceDel(id));
			}
			default -> throw new UnsupportedConfigurationException("/devices",
					"this device needs QEMU option " + option + ", which cannot be added to a running domain");
		}
	}

	private static ObjectNode object(String json) {
		return (ObjectNode) JSON.readTree(json);
	}

	/**
	 * {@code socket,id=X,path=P,server=on,wait=off} (what the builder writes for a
	 * channel) as the arguments of QMP {@code chardev-add}; other back ends (spicevmc)
	 * cannot be added to a running domain.
	 */
	static ObjectNode chardev(String spec) {
		List<String> parts = new ArrayList<>();
		StringBuilder part = new StringBuilder();
		for (int i = 0; i < spec.length(); i++) {
			char c = spec.charAt(i);
			if (c == ',' && i + 1 < spec.length() && spec.charAt(i + 1) == ',') {
				part.append(',');
				i++;
			}
			else if (c == ',') {
				parts.add(part.toString());
				part.setLength(0);
			}
			else {
				part.append(c);
			}
		}
		parts.add(part.toString());
		Map<String, String> options = new HashMap<>();
		for (String option : parts.subList(1, parts.size())) {
			int eq = option.indexOf('=');
			options.put(option.substring(0, eq), option.substring(eq + 1));
		}
		if (!parts.get(0).equals("socket") || !options.containsKey("path")) {
			throw new UnsupportedConfigurationException("/channel", "only <channel type='unix'> can be hot-plugged"
					+ " (this one needs a '" + parts.get(0) + "' back end, which the SPICE server owns)");
		}
		boolean server = "on".equals(options.get("server"));
		ObjectNode data = JSON.createObjectNode();
		data.putObject("addr").put("type", "unix").putObject("data").put("path", options.get("path"));
		data.put("server", server);
		if (server) {
			data.put("wait", !"off".equals(options.get("wait")));
		}
		ObjectNode arguments = JSON.createObjectNode();
		arguments.put("id", options.get("id"));
		arguments.putObject("backend").put("type", "socket").set("data", data);
		return arguments;
	}

}
