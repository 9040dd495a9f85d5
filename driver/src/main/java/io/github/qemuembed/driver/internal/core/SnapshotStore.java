package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.error.DomainSnapshotException;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.internal.fs.AtomicFiles;
import io.github.qemuembed.driver.internal.xml.Disk;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import io.github.qemuembed.driver.internal.xml.SecureXml;
import org.w3c.dom.Element;

/**
 * Snapshot metadata of one domain in {@code ROOT/lib/qemu/snapshot/NAME/SNAPSHOT.xml}, as
 * libvirt keeps it: a {@code <domainsnapshot>} with name, description, state, parent,
 * creation time, memory and disk elements, the domain's definition at the snapshot, and
 * {@code <active>1</active>} on the current one. Read from disk on every call, so a new
 * driver on the root sees the same tree.
 */
final class SnapshotStore {

	private static final System.Logger logger = System.getLogger(SnapshotStore.class.getName());

	/**
	 * A snapshot with the domain definition it was taken of (disks on the images, not the
	 * overlays).
	 */
	record Stored(DomainSnapshot snapshot, String domainXml) {

		DomainDefinition definition() {
			return DomainXml.parse(this.domainXml);
		}

	}

	private final Path dir;

	SnapshotStore(Path dir) {
		this.dir = dir;
	}

	Path dir() {
		return this.dir;
	}

	List<Stored> all() {
		if (!Files.isDirectory(this.dir)) {
			return List.of();
		}
		List<Stored> all = new ArrayList<>();
		try (DirectoryStream<Path> files = Files.newDirectoryStream(this.dir, "*.xml")) {
			for (Path file : files) {
				try {
					all.add(parse(Files.readString(file)));
				}
				catch (IOException | RuntimeException ex) {
					logger.log(Level.WARNING, "Ignoring unreadable snapshot metadata " + file + ": " + ex.getMessage());
				}
			}
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot read " + this.dir, ex);
		}
		// creation times are whole seconds (libvirt's): within one second a parent still
		// comes before its child
		Map<String, String> parents = new HashMap<>();
		all.forEach((s) -> parents.put(s.snapshot().name(), s.snapshot().parent().orElse(null)));
		all.sort(Comparator.comparing((Stored s) -> s.snapshot().createdAt())
			.thenComparingInt((s) -> depth(s.snapshot().name(), parents))
			.thenComparing((s) -> s.snapshot().name()));
		return all;
	}

	private static int depth(String name, Map<String, String> parents) {
		int depth = 0;
		for (String at = parents.get(name); at != null && depth <= parents.size(); at = parents.get(at)) {
			depth++;
		}
		return depth;
	}

	Optional<Stored> find(String name) {
		Path file = file(name);
		String text;
		try {
			text = Files.readString(file);
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot read the metadata of snapshot '" + name + "'", ex);
		}
		try {
			return Optional.of(parse(text));
		}
		catch (RuntimeException ex) {
			// typed, with the size on disk: a file that parses short although its size is
			// right means another
			// thread consumed bytes through a reused descriptor (ChannelStreams explains
			// the one such bug seen)
			throw new DomainSnapshotException(ErrorCode.XML_ERROR,
					"The metadata of snapshot '" + name + "' in " + file + " cannot be read back (" + text.length()
							+ " characters read, " + describe(file) + "): " + ex.getMessage(),
					ex);
		}
	}

	/**
	 * Size and modification time of a file as the file system says now, for error
	 * reports.
	 */
	private static String describe(Path file) {
		try {
			return Files.size(file) + " bytes on disk, modified " + Files.getLastModifiedTime(file);
		}
		catch (IOException ex) {
			return "no longer readable: " + ex.getMessage();
		}
	}

	void write(Stored stored) {
		try {
			if (!Files.isDirectory(this.dir)) {
				Files.createDirectories(this.dir,
						PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			}
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot create " + this.dir, ex);
		}
		AtomicFiles.write(file(stored.snapshot().name()), format(stored).getBytes(StandardCharsets.UTF_8),
				PosixFilePermissions.fromString("rw-------"));
	}

	void delete(String name) {
		try {
			Files.deleteIfExists(file(name));
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot delete the metadata of snapshot '" + name + "'", ex);
		}
	}

	private Path file(String name) {
		return this.dir.resolve(name + ".xml");
	}

	static String format(Stored stored) {
		DomainSnapshot s = stored.snapshot();
		StringBuilder xml = new StringBuilder("<domainsnapshot>\n");
		xml.append("  <name>").append(SecureXml.escape(s.name())).append("</name>\n");
		s.description()
			.ifPresent((d) -> xml.append("  <description>").append(SecureXml.escape(d)).append("</description>\n"));
		xml.append("  <state>").append(s.state()).append("</state>\n");
		s.parent()
			.ifPresent((p) -> xml.append("  <parent>\n    <name>")
				.append(SecureXml.escape(p))
				.append("</name>\n  </parent>\n"));
		xml.append("  <creationTime>").append(s.createdAt().getEpochSecond()).append("</creationTime>\n");
		if (s.memoryFile().isPresent()) {
			xml.append("  <memory snapshot='external' file='")
				.append(SecureXml.escape(s.memoryFile().get().toString()))
				.append("'/>\n");
		}
		else {
			xml.append("  <memory snapshot='no'/>\n");
		}
		xml.append("  <disks>\n");
		for (DomainSnapshot.Disk disk : s.disks()) {
			xml.append("    <disk name='")
				.append(SecureXml.escape(disk.target()))
				.append("' snapshot='external' type='file'>\n");
			xml.append("      <driver type='qcow2'/>\n");
			xml.append("      <source file='").append(SecureXml.escape(disk.overlay().toString())).append("'/>\n");
			xml.append("    </disk>\n");
		}
		xml.append("  </disks>\n");
		for (String line : stored.domainXml().strip().split("\n")) {
			xml.append("  ").append(line).append('\n');
		}
		xml.append("  <active>").append(s.current() ? 1 : 0).append("</active>\n");
		xml.append("</domainsnapshot>\n");
		return xml.toString();
	}

	static Stored parse(String text) {
		Element root = SecureXml.parseElement(text, "domainsnapshot");
		int start = text.indexOf("<domain ");
		int end = text.lastIndexOf("</domain>");
		if (!root.getTagName().equals("domainsnapshot") || start < 0 || end < start) {
			throw new IllegalArgumentException("not a <domainsnapshot> with a <domain>");
		}
		String domainXml = text.substring(start, end + "</domain>".length()).replace("\n  ", "\n");
		DomainDefinition definition = DomainXml.parse(domainXml);
		String name = SecureXml.childText(root, "name").orElseThrow();
		Optional<String> parent = SecureXml.child(root, "parent").flatMap((p) -> SecureXml.childText(p, "name"));
		Optional<Path> memory = SecureXml.child(root, "memory")
			.filter((m) -> SecureXml.attribute(m, "snapshot").orElse("no").equals("external"))
			.flatMap((m) -> SecureXml.attribute(m, "file"))
			.map(Path::of);
		List<DomainSnapshot.Disk> disks = new ArrayList<>();
		SecureXml.child(root, "disks").ifPresent((list) -> {
			for (Element disk : SecureXml.children(list)) {
				String target = SecureXml.attribute(disk, "name").orElseThrow();
				Path overlay = Path.of(SecureXml.child(disk, "source")
					.flatMap((src) -> SecureXml.attribute(src, "file"))
					.orElseThrow());
				disks.add(new DomainSnapshot.Disk(target, overlay, imageOf(definition, target)));
			}
		});
		DomainSnapshot snapshot = new DomainSnapshot(name, SecureXml.childText(root, "description"), parent,
				SecureXml.childText(root, "state").orElse("shutoff"),
				Instant.ofEpochSecond(Long.parseLong(SecureXml.childText(root, "creationTime").orElse("0"))),
				SecureXml.childText(root, "active").orElse("0").equals("1"), memory, disks);
		return new Stored(snapshot, domainXml);
	}

	private static Path imageOf(DomainDefinition definition, String target) {
		for (Disk disk : definition.devices().disks()) {
			if (disk.targetDev().equals(target)) {
				return Path.of(disk.source().orElseThrow().file().orElseThrow());
			}
		}
		throw new IllegalArgumentException("the snapshot names disk '" + target + "', which its domain does not have");
	}

}
