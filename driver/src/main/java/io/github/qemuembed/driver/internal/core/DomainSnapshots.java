package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.qemuembed.driver.DomainEventType;
import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.DomainState;
import io.github.qemuembed.driver.StateReason;
import io.github.qemuembed.driver.error.DomainSnapshotException;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.InvalidConfigurationException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;
import io.github.qemuembed.driver.internal.command.QemuCommandBuilder;
import io.github.qemuembed.driver.internal.io.JsonTrees;
import io.github.qemuembed.driver.internal.process.QemuImg;
import io.github.qemuembed.driver.internal.xml.BackingImage;
import io.github.qemuembed.driver.internal.xml.Disk;
import io.github.qemuembed.driver.internal.xml.DiskDevice;
import io.github.qemuembed.driver.internal.xml.DiskDriver;
import io.github.qemuembed.driver.internal.xml.DiskFormat;
import io.github.qemuembed.driver.internal.xml.DiskSource;
import io.github.qemuembed.driver.internal.xml.DiskType;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.SecureXml;
import io.github.qemuembed.driver.secondary.storage.VolumeFormat;
import org.w3c.dom.Element;
import tools.jackson.databind.JsonNode;

/**
 * External snapshots of one domain, libvirt's model: taking one puts a new qcow2 overlay
 * on top of each writable disk (the image below keeps the snapshot's content) and, for a
 * full snapshot of a running domain, saves memory and device state like {@code save};
 * reverting puts fresh overlays on the snapshot's images and, for a full snapshot,
 * restores its state. Called by {@link ManagedDomain} under its operation lock.
 */
final class DomainSnapshots {

	private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.+-]{0,99}");

	private final DriverContext context;

	private final ManagedDomain domain;

	private final DomainProcesses processes;

	private final SnapshotStore store;

	private QemuImg qemuImg;

	DomainSnapshots(DriverContext context, ManagedDomain domain, DomainProcesses processes) {
		this.context = context;
		this.domain = domain;
		this.processes = processes;
		this.store = new SnapshotStore(context.layout().libDir().resolve("snapshot").resolve(domain.name()));
	}

	List<DomainSnapshot> list() {
		return this.store.all().stream().map(SnapshotStore.Stored::snapshot).toList();
	}

	List<DomainSnapshot.Node> tree() {
		List<DomainSnapshot> all = list();
		Map<String, List<DomainSnapshot>> children = new HashMap<>();
		List<DomainSnapshot> roots = new ArrayList<>();
		Set<String> names = new HashSet<>();
		all.forEach((s) -> names.add(s.name()));
		for (DomainSnapshot snapshot : all) {
			if (snapshot.parent().isPresent() && names.contains(snapshot.parent().get())) {
				children.computeIfAbsent(snapshot.parent().get(), (k) -> new ArrayList<>()).add(snapshot);
			}
			else {
				roots.add(snapshot);
			}
		}
		return roots.stream().map((root) -> node(root, children)).toList();
	}

	private static DomainSnapshot.Node node(DomainSnapshot snapshot, Map<String, List<DomainSnapshot>> children) {
		return new DomainSnapshot.Node(snapshot,
				children.getOrDefault(snapshot.name(), List.of())
					.stream()
					.map((child) -> node(child, children))
					.toList());
	}

	String xml(String name) {
		return SnapshotStore.format(require(name));
	}

	/**
	 * Takes a snapshot; {@code run} is the current run, or null when the domain is
	 * inactive.
	 */
	DomainSnapshot create(String requestXml, boolean diskOnly, QemuRun run) {
		Request request = Request.parse(requestXml);
		Instant now = Instant.now();
		String name = request.name().orElse(Long.toString(now.getEpochSecond()));
		if (!NAME.matcher(name).matches() || name.contains("..")) {
			throw new DomainSnapshotException(ErrorCode.INVALID_DOMAIN_SNAPSHOT, "invalid snapshot name '" + name
					+ "': use 1 to 100 letters, digits, '_', '.', '+' or '-', not starting with '.' or '-'");
		}
		if (this.store.find(name).isPresent()) {
			throw new DomainSnapshotException(ErrorCode.INVALID_DOMAIN_SNAPSHOT, "domain '" + this.domain.name()
					+ "' already has a snapshot named '" + name + "': choose another name, or delete that one first");
		}
		boolean active = run != null;
		DomainDefinition before = active ? run.liveDefinition : this.domain.persistentDefinition();
		Map<String, Path> overlays = plan(before, name);
		Optional<SnapshotStore.Stored> parent = current();
		String state;
		Optional<Path> memory = Optional.empty();
		if (!active) {
			for (Map.Entry<String, Path> entry : overlays.entrySet()) {
				Disk disk = disk(before, entry.getKey());
				Path image = imageOf(disk);
				qemuImg().createOverlay(entry.getValue(), image, format(disk), Optional.empty());
			}
			persist(withOverlays(before, overlays));
			state = "shutoff";
		}
		else {
			boolean wasRunning = this.domain.status().state() == DomainState.RUNNING;
			pause(run, wasRunning);
			try {
				for (Map.Entry<String, Path> entry : overlays.entrySet()) {
					liveOverlay(run, disk(before, entry.getKey()), entry.getValue());
				}
				DomainDefinition after = withOverlays(before, overlays);
				this.processes.recordLive(run, after);
				if (this.domain.isPersistent()) {
					persist(withOverlays(this.domain.persistentDefinition(), overlays));
				}
				if (!diskOnly) {
					Path file = this.store.dir().resolve(name + ".mem");
					DomainSaver.save(run, file, wasRunning, this.context.config().startTimeout().multipliedBy(10));
					memory = Optional.of(file);
				}
			}
			finally {
				if (wasRunning && run.process.isAlive()) {
					run.resumeVcpus();
				}
			}
			state = diskOnly ? "disk-snapshot" : (wasRunning ? "running" : "paused");
		}
		List<DomainSnapshot.Disk> disks = overlays.entrySet()
			.stream()
			.map((e) -> new DomainSnapshot.Disk(e.getKey(), e.getValue(), imageOf(disk(before, e.getKey()))))
			.toList();
		DomainSnapshot snapshot = new DomainSnapshot(name, request.description(),
				parent.map((p) -> p.snapshot().name()), state, now, true, memory, disks);
		parent.ifPresent((p) -> this.store.write(withCurrent(p, false)));
		this.store.write(new SnapshotStore.Stored(snapshot, DomainXml.write(before, true)));
		return snapshot;
	}

	/**
	 * Reverts to a snapshot; {@code run} is the current run, or null when the domain is
	 * inactive.
	 */
	void revert(String name, QemuRun run) {
		SnapshotStore.Stored stored = require(name);
		DomainSnapshot snapshot = stored.snapshot();
		if (!snapshot.isFull() && run != null) {
			throw new DomainSnapshotException(ErrorCode.INVALID_DOMAIN_SNAPSHOT,
					"cannot revert running domain '" + this.domain.name() + "' to disk-only snapshot '" + name
							+ "': it has no memory to resume; "
							+ "stop the domain first (its disks then start from the snapshot)");
		}
		if (!this.domain.isPersistent()) {
			throw new DomainSnapshotException(ErrorCode.INVALID_DOMAIN_SNAPSHOT,
					"domain '" + this.domain.name() + "' is transient: define it before reverting to a snapshot");
		}
		DomainDefinition then = stored.definition();
		Map<String, Path> fresh = new LinkedHashMap<>();
		String suffix = name + "-" + System.currentTimeMillis();
		for (DomainSnapshot.Disk disk : snapshot.disks()) {
			Path overlay = overlayPath(disk.image(), suffix);
			qemuImg().createOverlay(overlay, disk.image(), format(disk(then, disk.target())), Optional.empty());
			fresh.put(disk.target(), overlay);
		}
		DomainDefinition reverted = withOverlays(then, fresh);
		DomainDefinition left = (run != null) ? run.liveDefinition : this.domain.persistentDefinition();
		if (run != null) {
			this.processes.destroy(run);
		}
		persist(reverted);
		if (snapshot.isFull()) {
			Path file = snapshot.memoryFile().get();
			this.processes.start(reverted, StateReason.RUNNING_FROM_SNAPSHOT, DomainEventType.STARTED,
					new DomainProcesses.Incoming(file, SaveImage.read(file)));
		}
		markCurrent(name);
		dropRevertOverlays(left, snapshot);
	}

	/**
	 * The overlays an earlier revert made and that this revert leaves (what was written
	 * on them is what a revert discards): deleted, as libvirt does, when nothing is
	 * backed by them. Only files named and backed the way a revert makes them
	 * ({@code STEM.SNAPSHOT-MILLIS} on that snapshot's image) are candidates: an image
	 * the user put into the definition is never touched.
	 */
	private void dropRevertOverlays(DomainDefinition left, DomainSnapshot snapshot) {
		List<SnapshotStore.Stored> all = this.store.all();
		for (DomainSnapshot.Disk disk : snapshot.disks()) {
			Optional<Path> file = left.devices()
				.disks()
				.stream()
				.filter((d) -> d.targetDev().equals(disk.target()) && d.type() == DiskType.FILE)
				.findFirst()
				.flatMap(Disk::source)
				.flatMap(DiskSource::file)
				.map(Path::of);
			if (file.isEmpty() || !Files.exists(file.get())) {
				continue;
			}
			Optional<Path> backing = Qcow2Header.backingFile(file.get());
			boolean madeByRevert = all.stream()
				.map(SnapshotStore.Stored::snapshot)
				.anyMatch((other) -> other.disks()
					.stream()
					.anyMatch((d) -> backing.equals(Optional.of(d.image())) && file.get()
						.getFileName()
						.toString()
						.matches(Pattern.quote(overlayPath(d.image(), other.name()).getFileName().toString())
								+ "-[0-9]+")));
			boolean referenced = all.stream()
				.map(SnapshotStore.Stored::snapshot)
				.flatMap((other) -> other.disks().stream())
				.anyMatch((d) -> d.overlay().equals(file.get()) || d.image().equals(file.get()));
			if (madeByRevert && !referenced && SnapshotMerge.dependents(file.get()).isEmpty()) {
				try {
					Files.deleteIfExists(file.get());
				}
				catch (IOException ex) {
					throw new HostIoException("Cannot delete the overlay " + file.get() + " that the revert left", ex);
				}
			}
		}
	}

	/**
	 * Deletes a snapshot: unless {@code metadataOnly}, merges its overlays (see
	 * {@link SnapshotMerge}); removes its metadata and memory file; its children hang
	 * from its parent afterwards. {@code run} is the current run, or null when the domain
	 * is inactive.
	 */
	void delete(String name, boolean metadataOnly, QemuRun run) {
		SnapshotStore.Stored stored = require(name);
		DomainSnapshot snapshot = stored.snapshot();
		List<SnapshotMerge.Step> committed = List.of();
		if (!metadataOnly) {
			DomainDefinition current = (run != null) ? run.liveDefinition : this.domain.persistentDefinition();
			SnapshotMerge merge = new SnapshotMerge(qemuImg(), this.context.config().startTimeout().multipliedBy(10));
			List<SnapshotMerge.Step> steps = merge.plan(this.domain.name(), stored, current);
			DomainDefinition merged = merge.apply(steps, current, run);
			committed = steps.stream().filter(SnapshotMerge.Step::commit).toList();
			if (run != null && merged != current) {
				this.processes.recordLive(run, merged);
			}
			if (this.domain.isPersistent()) {
				DomainDefinition persistent = this.domain.persistentDefinition();
				DomainDefinition moved = persistent;
				for (SnapshotMerge.Step step : committed) {
					moved = withSource(moved, step.target(), step.overlay(), step.image(), step.imageFormat());
				}
				if (moved != persistent) {
					persist(moved);
				}
			}
		}
		for (SnapshotStore.Stored other : this.store.all()) {
			DomainSnapshot s = other.snapshot();
			if (s.name().equals(name)) {
				continue;
			}
			// a snapshot taken on the merged overlay has its content in the image now
			DomainDefinition then = other.definition();
			DomainDefinition moved = then;
			for (SnapshotMerge.Step step : committed) {
				moved = withSource(moved, step.target(), step.overlay(), step.image(), step.imageFormat());
			}
			boolean child = s.parent().equals(Optional.of(name));
			if (child || moved != then) {
				this.store.write(new SnapshotStore.Stored(
						new DomainSnapshot(s.name(), s.description(), child ? snapshot.parent() : s.parent(), s.state(),
								s.createdAt(), s.current(), s.memoryFile(), s.disks()),
						(moved != then) ? DomainXml.write(moved, true) : other.domainXml()));
			}
		}
		this.store.delete(name);
		if (snapshot.current() && snapshot.parent().isPresent()) {
			markCurrent(snapshot.parent().get());
		}
		snapshot.memoryFile().ifPresent((file) -> {
			try {
				Files.deleteIfExists(file);
			}
			catch (IOException ex) {
				throw new HostIoException("Cannot delete the memory file " + file, ex);
			}
		});
	}

	// ---- helpers ----

	private SnapshotStore.Stored require(String name) {
		return this.store.find(name)
			.orElseThrow(() -> new DomainSnapshotException(ErrorCode.NO_DOMAIN_SNAPSHOT,
					"domain '" + this.domain.name() + "' has no snapshot named '" + name + "'"));
	}

	private Optional<SnapshotStore.Stored> current() {
		return this.store.all().stream().filter((s) -> s.snapshot().current()).findFirst();
	}

	private void markCurrent(String name) {
		for (SnapshotStore.Stored stored : this.store.all()) {
			boolean current = stored.snapshot().name().equals(name);
			if (stored.snapshot().current() != current) {
				this.store.write(withCurrent(stored, current));
			}
		}
	}

	private static SnapshotStore.Stored withCurrent(SnapshotStore.Stored stored, boolean current) {
		DomainSnapshot s = stored.snapshot();
		return new SnapshotStore.Stored(new DomainSnapshot(s.name(), s.description(), s.parent(), s.state(),
				s.createdAt(), current, s.memoryFile(), s.disks()), stored.domainXml());
	}

	private void persist(DomainDefinition definition) {
		this.context.definitions().save(definition);
		this.domain.redefine(definition);
	}

	/**
	 * The overlay each writable disk gets: {@code DIR/STEM.SNAPSHOT} beside its image.
	 */
	private static Map<String, Path> plan(DomainDefinition definition, String name) {
		Map<String, Path> overlays = new LinkedHashMap<>();
		List<Disk> disks = definition.devices().disks();
		for (int i = 0; i < disks.size(); i++) {
			Disk disk = disks.get(i);
			if (disk.readonly() || disk.device() == DiskDevice.CDROM || disk.source().isEmpty()) {
				continue;
			}
			String where = "/domain/devices/disk[" + (i + 1) + "]";
			if (disk.type() != DiskType.FILE) {
				throw new UnsupportedConfigurationException(where,
						"snapshots support <disk type='file'> only; this disk is type '" + disk.type().xmlName() + "'");
			}
			if (disk.encryption().isPresent()) {
				throw new UnsupportedConfigurationException(where, "snapshots of encrypted disks are not supported");
			}
			Path overlay = overlayPath(imageOf(disk), name);
			if (Files.exists(overlay)) {
				throw new DomainSnapshotException(ErrorCode.INVALID_DOMAIN_SNAPSHOT, "the overlay " + overlay
						+ " for disk '" + disk.targetDev() + "' exists already: choose another snapshot name");
			}
			overlays.put(disk.targetDev(), overlay);
		}
		return overlays;
	}

	private static Path overlayPath(Path image, String suffix) {
		String file = image.getFileName().toString();
		int dot = file.lastIndexOf('.');
		String stem = (dot > 0) ? file.substring(0, dot) : file;
		return image.resolveSibling(stem + "." + suffix);
	}

	/**
	 * While paused: a qcow2 overlay on the disk's active image, opened by QEMU and made
	 * the active layer.
	 */
	private void liveOverlay(QemuRun run, Disk disk, Path overlay) {
		Path image = imageOf(disk);
		JsonNode top = topNode(run, image, disk.targetDev());
		long size = top.path("image").path("virtual-size").asLong();
		qemuImg().createOverlay(overlay, image, format(disk), Optional.of(size), true);
		String nodeName = "snap-" + Integer.toHexString(overlay.toString().hashCode());
		run.monitor.blockdevAdd(JsonTrees.read(QemuCommandBuilder.overlayNode(disk, nodeName, overlay)));
		run.monitor.blockdevSnapshot(top.path("node-name").asString(), nodeName);
	}

	/** The format node QEMU has on top of {@code image}, from {@code query-block}. */
	private static JsonNode topNode(QemuRun run, Path image, String target) {
		for (JsonNode device : run.monitor.queryBlock()) {
			JsonNode inserted = device.path("inserted");
			if (inserted.path("file").asString("").equals(image.toString())) {
				return inserted;
			}
		}
		throw new DomainSnapshotException(ErrorCode.INVALID_DOMAIN_SNAPSHOT,
				"QEMU does not show disk '" + target + "' (" + image + ") as an active image");
	}

	private void pause(QemuRun run, boolean wasRunning) {
		if (wasRunning) {
			run.stopVcpus();
		}
	}

	private static Disk disk(DomainDefinition definition, String target) {
		return definition.devices()
			.disks()
			.stream()
			.filter((d) -> d.targetDev().equals(target))
			.findFirst()
			.orElseThrow(() -> new DomainSnapshotException(ErrorCode.INVALID_DOMAIN_SNAPSHOT,
					"the domain has no disk '" + target + "'"));
	}

	private static Path imageOf(Disk disk) {
		return Path.of(disk.source().orElseThrow().file().orElseThrow());
	}

	private static VolumeFormat format(Disk disk) {
		return (disk.driver().format() == DiskFormat.QCOW2) ? VolumeFormat.QCOW2 : VolumeFormat.RAW;
	}

	/**
	 * The definition with the named disks on qcow2 overlays (one place: a disk's fields
	 * are all copied here).
	 */
	private static DomainDefinition withOverlays(DomainDefinition definition, Map<String, Path> overlays) {
		List<Disk> disks = new ArrayList<>();
		for (Disk disk : definition.devices().disks()) {
			Path overlay = overlays.get(disk.targetDev());
			if (overlay == null) {
				disks.add(disk);
				continue;
			}
			// the overlay keeps the disk's iothread (the device is the same)
			DiskDriver driver = new DiskDriver(DiskFormat.QCOW2, disk.driver().cache(), disk.driver().discard(),
					Optional.empty(), disk.driver().iothread());
			disks.add(new Disk(DiskType.FILE, disk.device(), driver, Optional.of(DiskSource.file(overlay.toString())),
					disk.targetDev(), disk.bus(), disk.readonly(), disk.shareable(), disk.serial(), disk.bootOrder(),
					disk.encryption(), disk.address(), disk.noBackingStore(), chainBelowOverlay(disk), disk.iotune()));
		}
		return definition.withDevices(definition.devices().withDisks(disks));
	}

	/**
	 * The {@code <backingStore>} chain of an overlay put on {@code disk}: empty (the
	 * overlay's header names the image) unless the disk spelled its chain out, which then
	 * must go on below the image, or the image's own header would be followed instead.
	 */
	private static List<BackingImage> chainBelowOverlay(Disk disk) {
		if (disk.backingChain().isEmpty() && !disk.noBackingStore()) {
			return List.of();
		}
		List<BackingImage> chain = new ArrayList<>();
		chain.add(new BackingImage(DiskType.FILE, imageOf(disk).toString(), disk.driver().format()));
		chain.addAll(disk.backingChain());
		return chain;
	}

	/**
	 * {@code definition} with disk {@code target} on {@code to} (in {@code format}) if it
	 * is on {@code from} now; the same instance otherwise.
	 */
	static DomainDefinition withSource(DomainDefinition definition, String target, Path from, Path to,
			VolumeFormat format) {
		List<Disk> disks = new ArrayList<>();
		boolean changed = false;
		for (Disk disk : definition.devices().disks()) {
			boolean on = disk.targetDev().equals(target) && disk.type() == DiskType.FILE
					&& disk.source().flatMap(DiskSource::file).map(Path::of).map(from::equals).orElse(false);
			if (!on) {
				disks.add(disk);
				continue;
			}
			changed = true;
			DiskFormat diskFormat = (format == VolumeFormat.QCOW2) ? DiskFormat.QCOW2 : DiskFormat.RAW;
			DiskDriver driver = new DiskDriver(diskFormat, disk.driver().cache(), disk.driver().discard(),
					Optional.empty(), disk.driver().iothread());
			disks.add(new Disk(DiskType.FILE, disk.device(), driver, Optional.of(DiskSource.file(to.toString())),
					disk.targetDev(), disk.bus(), disk.readonly(), disk.shareable(), disk.serial(), disk.bootOrder(),
					disk.encryption(), disk.address(), disk.noBackingStore(), disk.backingChain(), disk.iotune()));
		}
		return changed ? definition.withDevices(definition.devices().withDisks(disks)) : definition;
	}

	private QemuImg qemuImg() {
		if (this.qemuImg == null) {
			this.qemuImg = QemuImg.locate(Optional.empty());
		}
		return this.qemuImg;
	}

	/**
	 * What {@code <domainsnapshot>} asks for: a name and a description; anything else is
	 * refused by name.
	 */
	record Request(Optional<String> name, Optional<String> description) {

		static Request parse(String xml) {
			if (xml == null || xml.isBlank()) {
				return new Request(Optional.empty(), Optional.empty());
			}
			Element root;
			try {
				root = SecureXml.parseElement(xml, "domainsnapshot");
			}
			catch (InvalidConfigurationException ex) {
				throw new DomainSnapshotException(ErrorCode.INVALID_DOMAIN_SNAPSHOT,
						"invalid snapshot XML: " + ex.getMessage());
			}
			if (!root.getTagName().equals("domainsnapshot")) {
				throw new DomainSnapshotException(ErrorCode.INVALID_DOMAIN_SNAPSHOT,
						"invalid snapshot XML: the root element is <" + root.getTagName()
								+ ">, expected <domainsnapshot>");
			}
			for (Element child : SecureXml.children(root)) {
				if (!Set.of("name", "description").contains(child.getTagName())) {
					throw new DomainSnapshotException(ErrorCode.INVALID_DOMAIN_SNAPSHOT, "/domainsnapshot/"
							+ child.getTagName() + " is not supported: give <name> and <description>; the driver "
							+ "puts each disk's overlay beside its image and the memory under ROOT/lib/qemu/snapshot");
				}
			}
			return new Request(SecureXml.childText(root, "name"), SecureXml.childText(root, "description"));
		}

	}

}
