package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.github.qemuembed.driver.DomainSnapshot;
import io.github.qemuembed.driver.error.DomainSnapshotException;
import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.HostIoException;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.OperationTimeoutException;
import io.github.qemuembed.driver.internal.process.QemuImg;
import io.github.qemuembed.driver.internal.xml.Disk;
import io.github.qemuembed.driver.internal.xml.DiskFormat;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.secondary.storage.VolumeFormat;
import tools.jackson.databind.JsonNode;

/**
 * What deleting an external snapshot does to its disks, as libvirt does it: the overlay
 * the snapshot added ({@code O}, the writes made after it) is merged into the image below
 * ({@code I}, the snapshot's content), so that the chain does not keep a layer nobody
 * needs, and everything that was backed by {@code O} is backed by {@code I} afterwards.
 * Per disk, one of:
 * <ul>
 * <li><b>drop</b>: nothing is backed by {@code O} and the domain does not use it (a
 * branch left by a revert): {@code O} is deleted, {@code I} stays for whoever still needs
 * it;</li>
 * <li><b>commit</b>: {@code O} is the only image backed by {@code I}: {@code O}'s
 * clusters are written into {@code I} ({@code qemu-img commit} when QEMU does not have
 * the chain open, QMP {@code block-commit} when it does, with {@code block-job-complete}
 * if {@code O} is the active layer), what was backed by {@code O} is rebased onto
 * {@code I}, and {@code O} is deleted;</li>
 * <li><b>refuse</b>: {@code I} also backs another branch (a revert made one): writing
 * into {@code I} would change that branch, so nothing is touched and the error says which
 * snapshots to delete first.</li>
 * </ul>
 * Every disk is planned before any file changes, so a refusal leaves everything as it
 * was.
 */
final class SnapshotMerge {

	/** One disk's part of a delete. */
	record Step(String target, Path overlay, Path image, VolumeFormat imageFormat, boolean commit,
			List<Path> dependents) {
	}

	private final QemuImg qemuImg;

	private final Duration jobTimeout;

	SnapshotMerge(QemuImg qemuImg, Duration jobTimeout) {
		this.qemuImg = qemuImg;
		this.jobTimeout = jobTimeout;
	}

	/**
	 * The steps for each disk of {@code stored}; {@code current} is the definition whose
	 * disks the domain uses now (the live one of a running domain).
	 */
	List<Step> plan(String domainName, SnapshotStore.Stored stored, DomainDefinition current) {
		DomainSnapshot snapshot = stored.snapshot();
		DomainDefinition then = stored.definition();
		List<Step> steps = new ArrayList<>();
		for (DomainSnapshot.Disk disk : snapshot.disks()) {
			Path overlay = disk.overlay();
			Path image = disk.image();
			Optional<Path> active = activeFile(current, disk.target());
			if (!Files.exists(overlay)) {
				// already gone (deleted by hand, or a delete interrupted after the
				// merge): nothing to merge
				continue;
			}
			List<Path> overlayUsers = dependents(overlay);
			boolean overlayActive = active.map(overlay::equals).orElse(false);
			VolumeFormat format = formatOf(then, disk.target());
			if (overlayUsers.isEmpty() && !overlayActive) {
				steps.add(new Step(disk.target(), overlay, image, format, false, List.of()));
				continue;
			}
			List<Path> imageUsers = dependents(image);
			boolean imageActive = active.map(image::equals).orElse(false);
			if (!imageActive && imageUsers.equals(List.of(overlay))) {
				steps.add(new Step(disk.target(), overlay, image, format, true, overlayUsers));
				continue;
			}
			List<Path> others = new ArrayList<>(imageUsers);
			others.remove(overlay);
			throw new DomainSnapshotException(ErrorCode.OPERATION_INVALID, "Cannot delete snapshot '" + snapshot.name()
					+ "' of domain '" + domainName + "': disk '" + disk.target() + "' would have to " + "merge "
					+ overlay + " into " + image + ", which also backs "
					+ (imageActive ? "the disk the " + "domain uses now" : others)
					+ " (another branch, made by a revert). Delete the snapshots "
					+ "taken after it on the other branch first, or revert to the branch you keep and delete the "
					+ "others; nothing was changed");
		}
		return steps;
	}

	/**
	 * Applies the steps; {@code run} is the running QEMU or null. Returns the definition
	 * with each disk that used a merged overlay moved to its image ({@code current}
	 * unchanged if none did).
	 */
	DomainDefinition apply(List<Step> steps, DomainDefinition current, QemuRun run) {
		DomainDefinition result = current;
		for (Step step : steps) {
			if (step.commit()) {
				Set<Path> liveChain = (run != null) ? chain(activeFile(current, step.target()).orElse(null)) : Set.of();
				if (liveChain.contains(step.overlay())) {
					boolean top = activeFile(current, step.target()).map(step.overlay()::equals).orElse(false);
					blockCommit(run, step, top, activeFile(current, step.target()).orElseThrow());
				}
				else {
					this.qemuImg.commit(step.overlay());
				}
				for (Path user : step.dependents()) {
					// QEMU rewrote the header of the one above the overlay in its chain
					// itself
					if (!liveChain.contains(user)
							&& Qcow2Header.backingFile(user).map(step.overlay()::equals).orElse(false)) {
						this.qemuImg.rebaseUnsafe(user, step.image(), step.imageFormat());
					}
				}
				result = DomainSnapshots.withSource(result, step.target(), step.overlay(), step.image(),
						step.imageFormat());
			}
			delete(step.overlay());
		}
		return result;
	}

	/**
	 * QMP {@code block-commit} of the overlay into the image, ended by
	 * {@code block-job-complete} for the top.
	 */
	private void blockCommit(QemuRun run, Step step, boolean top, Path activeFile) {
		JsonNode nodes = run.monitor.queryNamedBlockNodes();
		String overlayNode = formatNode(nodes, step.overlay());
		String imageNode = formatNode(nodes, step.image());
		String rootNode = formatNode(nodes, activeFile);
		String job = "commit-" + step.target();
		CompletableFuture<JsonNode> ready = run.waiters.await("BLOCK_JOB_READY",
				(data) -> job.equals(data.path("device").asString("")));
		CompletableFuture<JsonNode> completed = run.waiters.await("BLOCK_JOB_COMPLETED",
				(data) -> job.equals(data.path("device").asString("")));
		run.monitor.blockCommit(job, rootNode, overlayNode, imageNode);
		if (top) {
			await(ready, job);
			run.monitor.blockJobComplete(job);
		}
		else {
			ready.cancel(false);
		}
		JsonNode end = await(completed, job);
		if (end.hasNonNull("error")) {
			throw new DomainSnapshotException(ErrorCode.OPERATION_FAILED, "Merging " + step.overlay() + " into "
					+ step.image() + " failed: " + end.path("error").asString() + "; the snapshot was kept");
		}
	}

	private JsonNode await(CompletableFuture<JsonNode> event, String job) {
		try {
			return event.get(this.jobTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (TimeoutException ex) {
			throw new OperationTimeoutException("Block job " + job + " did not finish within " + this.jobTimeout
					+ "; it goes on in QEMU (query-block-jobs), and the snapshot was kept");
		}
		catch (InterruptedException ex) {
			throw OperationInterruptedException.restoring("Interrupted while waiting for block job " + job, ex);
		}
		catch (ExecutionException ex) {
			throw Failures.unwrap(ex.getCause());
		}
	}

	/** The node name of the format node QEMU has on {@code file}. */
	private static String formatNode(JsonNode nodes, Path file) {
		for (JsonNode node : nodes) {
			if (node.path("file").asString("").equals(file.toString())
					&& !node.path("drv").asString("").equals("file")) {
				return node.path("node-name").asString();
			}
		}
		throw new DomainSnapshotException(ErrorCode.OPERATION_FAILED,
				"QEMU has no block node on " + file + " although it is in the running disk's chain");
	}

	/** {@code file} and every image below it. */
	private static Set<Path> chain(Path file) {
		Set<Path> chain = new LinkedHashSet<>();
		for (Path at = file; at != null && chain.add(at); at = Qcow2Header.backingFile(at).orElse(null)) {
			// walk down
		}
		return chain;
	}

	/**
	 * The images beside {@code file} (where overlays are made) whose header names it as
	 * backing file.
	 */
	static List<Path> dependents(Path file) {
		List<Path> users = new ArrayList<>();
		try (DirectoryStream<Path> siblings = Files.newDirectoryStream(file.toAbsolutePath().getParent())) {
			for (Path sibling : siblings) {
				if (!sibling.equals(file) && Qcow2Header.backingFile(sibling).map(file::equals).orElse(false)) {
					users.add(sibling);
				}
			}
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot list the images beside " + file, ex);
		}
		users.sort(null);
		return users;
	}

	private static Optional<Path> activeFile(DomainDefinition definition, String target) {
		return definition.devices()
			.disks()
			.stream()
			.filter((d) -> d.targetDev().equals(target))
			.findFirst()
			.flatMap(Disk::source)
			.flatMap((source) -> source.file())
			.map(Path::of);
	}

	private static VolumeFormat formatOf(DomainDefinition definition, String target) {
		return definition.devices()
			.disks()
			.stream()
			.filter((d) -> d.targetDev().equals(target))
			.findFirst()
			.map((d) -> (d.driver().format() == DiskFormat.QCOW2) ? VolumeFormat.QCOW2 : VolumeFormat.RAW)
			.orElse(VolumeFormat.QCOW2);
	}

	private static void delete(Path file) {
		try {
			Files.deleteIfExists(file);
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot delete the merged overlay " + file, ex);
		}
	}

}
