package io.github.qemuembed.driver;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.github.qemuembed.driver.agent.GuestAgent;

/**
 * A handle on one domain. Operations on one domain are serialized; each is checked
 * against the access policy with the permission named in its documentation. A handle
 * stays valid after the domain stops; after {@link #undefine()} of an inactive domain its
 * methods throw {@link io.github.qemuembed.driver.error.DomainNotFoundException}.
 */
public interface Domain {

	/** The domain's name ({@code domain.getattr}). */
	String name();

	/** The domain's UUID ({@code domain.getattr}). */
	UUID uuid();

	/**
	 * Starts QEMU and runs the guest ({@code domain.start}); with a managed-save image
	 * (see {@link #managedSave()}), resumes that state instead.
	 */
	void start();

	/**
	 * Asks the guest to power off (ACPI power button) and waits up to {@code timeout} for
	 * QEMU to exit; then stops it by force ({@code domain.init_control}, and
	 * {@code domain.stop} for the force).
	 * @return {@code true} if the guest powered off by itself, {@code false} if it had to
	 * be forced
	 */
	boolean shutdown(Duration timeout);

	/**
	 * Like {@link #shutdown(Duration)}, asking the guest the way {@code mode} says. With
	 * {@link ShutdownMode#GUEST_AGENT} it also needs {@code domain.write} (as libvirt),
	 * and fails with {@link io.github.qemuembed.driver.error.GuestAgentException}
	 * (nothing forced) when the agent does not answer or refuses.
	 * @return {@code true} if the guest powered off by itself, {@code false} if it had to
	 * be forced
	 */
	boolean shutdown(ShutdownMode mode, Duration timeout);

	/**
	 * Stops QEMU now: SIGTERM, a short grace period, then SIGKILL ({@code domain.stop}).
	 */
	void destroy();

	/**
	 * Asks the guest to reboot (ACPI, then QMP {@code system_reset} under
	 * {@code on_reboot}) ({@code domain.init_control}).
	 */
	void reboot();

	/** Hard reset, like pressing the reset button ({@code domain.reset}). */
	void reset();

	/** Pauses the vCPUs ({@code domain.suspend}). */
	void suspend();

	/** Resumes paused vCPUs ({@code domain.suspend}). */
	void resume();

	/**
	 * Saves the whole state of the running domain (memory, devices, vCPUs) to
	 * {@code file} and stops it, like libvirt's {@code virDomainSave}: the status becomes
	 * {@code shutoff/saved}. {@link QemuDriver#restore(java.nio.file.Path)} brings it
	 * back, in this driver or a later one. The file holds the live XML, secrets included,
	 * and is created owner-only; it appears only once complete
	 * ({@code domain.hibernate}).
	 */
	void save(Path file);

	/**
	 * Saves the state of the running, persistent domain to
	 * {@code ROOT/lib/qemu/save/NAME.save} and stops it; the next {@link #start()}
	 * resumes that state instead of booting, and removes the image
	 * ({@code domain.hibernate}).
	 */
	void managedSave();

	/** Whether a managed-save image waits for the next start ({@code domain.read}). */
	boolean hasManagedSaveImage();

	/**
	 * Discards the managed-save image: the next start boots ({@code domain.hibernate}).
	 */
	void managedSaveRemove();

	/**
	 * Takes an external snapshot, like libvirt's {@code virDomainSnapshotCreateXML}: each
	 * writable {@code <disk type='file'>} gets a qcow2 overlay beside its image
	 * ({@code IMAGE-STEM.NAME}), which the domain writes to from now on, while the image
	 * keeps the snapshot's content. Of a running domain, without
	 * {@link DomainSnapshot.CreateFlag#DISK_ONLY}, the memory and device state are saved
	 * too (a full snapshot); the vCPUs pause meanwhile and then go on. {@code xml} is a
	 * {@code <domainsnapshot>} with an optional {@code <name>} (default: the time in
	 * seconds) and {@code <description>} ({@code domain.snapshot}).
	 */
	DomainSnapshot createSnapshot(String xml, DomainSnapshot.CreateFlag... flags);

	/** The snapshots, oldest first ({@code domain.read}). */
	List<DomainSnapshot> snapshots();

	/**
	 * The snapshots as a tree: roots, each with the snapshots taken from it
	 * ({@code domain.read}).
	 */
	List<DomainSnapshot.Node> snapshotTree();

	/**
	 * A snapshot's metadata as libvirt stores it, with the definition it was taken of
	 * ({@code domain.read}, {@code domain.read_secure}).
	 */
	String snapshotXml(String name);

	/**
	 * Makes the domain what it was at the snapshot: its disks get fresh overlays on the
	 * snapshot's images (what was written since is no longer seen), its definition
	 * becomes the snapshot's, and a full snapshot's memory and device state are restored
	 * (the domain runs, or stays paused if it was). A running domain cannot go back to a
	 * disk-only snapshot: stop it first ({@code domain.snapshot}).
	 */
	void revertToSnapshot(String name);

	/**
	 * Deletes a snapshot, like libvirt's {@code virDomainSnapshotDelete}: the overlay it
	 * added to each disk is merged into the image below (offline with
	 * {@code qemu-img commit}, or by QMP {@code block-commit} when the running domain has
	 * it open), whatever was backed by it is rebased, and the overlay is deleted; an
	 * overlay nothing uses any more (a branch a revert left) is just deleted. Its
	 * metadata and memory file go; its children hang from its parent afterwards, with
	 * their content kept. A merge that would change another branch (an image a revert
	 * also put an overlay on) is refused with what to delete first, before anything
	 * changes. With {@link DomainSnapshot.DeleteFlag#METADATA_ONLY} only the metadata and
	 * memory file go, and every image stays ({@code domain.snapshot}).
	 */
	void deleteSnapshot(String name, DomainSnapshot.DeleteFlag... flags);

	/**
	 * Adds a device, like libvirt's {@code virDomainAttachDeviceFlags}: {@code xml} is
	 * one {@code <disk>}, {@code <interface>} or {@code <channel>} element as it would
	 * appear under {@code <devices>}. With {@link DeviceFlag#LIVE} QEMU gets it now (the
	 * live XML then shows it with its address); with {@link DeviceFlag#CONFIG} the
	 * persistent definition gets it; neither flag means the running domain if it runs,
	 * else the definition ({@code domain.write}, and {@code domain.save} with
	 * {@code CONFIG}).
	 */
	void attachDevice(String xml, DeviceFlag... flags);

	/**
	 * Removes a device, like libvirt's {@code virDomainDetachDeviceFlags}: {@code xml}
	 * names it (a disk by its {@code <target dev>}, an interface by its
	 * {@code <mac address>}, a channel by its {@code <target name>}). Live, the guest is
	 * asked to release it and the call waits up to {@code timeout} for QEMU's
	 * {@code DEVICE_DELETED}; a guest that does not release it in time fails the call
	 * with {@link io.github.qemuembed.driver.error.OperationTimeoutException}, and the
	 * device stays in the live XML until the guest lets it go ({@code domain.write}, and
	 * {@code domain.save} with {@code CONFIG}).
	 */
	void detachDevice(String xml, Duration timeout, DeviceFlag... flags);

	/**
	 * Removes the persistent definition; a running domain becomes transient
	 * ({@code domain.delete}).
	 */
	void undefine();

	/** State and reason ({@code domain.read}). */
	DomainStatus status();

	/** Runtime facts ({@code domain.read}). */
	DomainInfo info();

	/**
	 * I/O counters of each disk of the running domain, from QMP {@code query-blockstats}
	 * ({@code domain.read}). Not serialized behind long operations such as a pending
	 * {@code shutdown}; bounded by the QMP timeout.
	 */
	List<BlockStats> blockStats();

	/** Whether the domain has a persistent definition ({@code domain.read}). */
	boolean isPersistent();

	/**
	 * The domain XML; with {@code secure} it includes secret values such as VNC passwords
	 * ({@code domain.read}, and {@code domain.read_secure} when {@code secure}).
	 */
	String xml(boolean secure);

	/**
	 * Sends a raw QMP command (a JSON object with {@code execute} and optional
	 * {@code arguments}) to the running QEMU and returns the {@code return} value as JSON
	 * ({@code domain.write}, like libvirt's {@code qemu-monitor-command}).
	 */
	String qmp(String commandJson);

	/** Opens the live serial console of a running domain ({@code domain.open_device}). */
	DomainConsole openConsole();

	/**
	 * The guest agent of this domain, over its {@code org.qemu.guest_agent.0} channel;
	 * each of its calls is checked with its own permission (see
	 * {@link io.github.qemuembed.driver.agent.GuestAgent}).
	 */
	GuestAgent guest();

}
