package io.github.qemuembed.driver;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of a domain, libvirt's {@code virDomainSnapshot}: external disk overlays
 * created when the snapshot was taken and, for a full snapshot, the memory and device
 * state.
 *
 * @param name the snapshot's name, unique per domain
 * @param description free text from {@code <description>}
 * @param parent the snapshot that was current when this one was taken
 * @param state the domain's state then: {@code running}, {@code paused} (full snapshots),
 * {@code disk-snapshot} (disk-only of a running domain) or {@code shutoff}
 * @param createdAt when it was taken (libvirt's {@code creationTime}, in seconds)
 * @param current whether the domain's disks and state derive from it now
 * @param memoryFile where the memory and device state are (full snapshots only)
 * @param disks the overlay each disk got when the snapshot was taken
 */
public record DomainSnapshot(String name, Optional<String> description, Optional<String> parent, String state,
		Instant createdAt, boolean current, Optional<Path> memoryFile, List<Disk> disks) {

	public DomainSnapshot {
		disks = List.copyOf(disks);
	}

	/**
	 * Whether reverting to it restores memory and device state (the domain runs
	 * afterwards).
	 */
	public boolean isFull() {
		return this.memoryFile.isPresent();
	}

	/**
	 * One disk of a snapshot.
	 *
	 * @param target the guest name ({@code vda})
	 * @param overlay the qcow2 overlay that took the writes after the snapshot
	 * @param image the image holding the disk's content at the snapshot (the overlay's
	 * backing file)
	 */
	public record Disk(String target, Path overlay, Path image) {
	}

	/** A snapshot and the snapshots taken from it, for {@link Domain#snapshotTree()}. */
	public record Node(DomainSnapshot snapshot, List<Node> children) {

		public Node {
			children = List.copyOf(children);
		}

	}

	/** libvirt's {@code VIR_DOMAIN_SNAPSHOT_CREATE_*} flags that this driver supports. */
	public enum CreateFlag {

		/**
		 * Disks only, also for a running domain (libvirt's {@code DISK_ONLY}); the domain
		 * keeps running.
		 */
		DISK_ONLY,

		/**
		 * The guest agent must freeze the guest's file systems while the disks are
		 * switched, and the snapshot fails if it cannot (libvirt's {@code QUIESCE}; needs
		 * {@code domain.fs_freeze} too). Without it, a disk-only snapshot of a running
		 * domain whose agent is connected is quiesced all the same when the agent agrees,
		 * and taken crash-consistent (with a warning in the log) when it does not.
		 */
		QUIESCE

	}

	/** libvirt's {@code VIR_DOMAIN_SNAPSHOT_DELETE_*} flags that this driver supports. */
	public enum DeleteFlag {

		/**
		 * Removes the metadata and memory file only; every disk image stays as it is (no
		 * merge).
		 */
		METADATA_ONLY

	}

}
