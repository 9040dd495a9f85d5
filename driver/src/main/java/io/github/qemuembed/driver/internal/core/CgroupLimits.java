package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The memory limit and CPU quota of the cgroup this JVM runs in, as a container runtime
 * or the kubelet sets them, from cgroup v2 ({@code memory.max}, {@code cpu.max}) or v1
 * ({@code memory.limit_in_bytes}, {@code cpu.cfs_quota_us} / {@code cpu.cfs_period_us}).
 * QEMU children inherit the cgroup, so they share these limits with the JVM.
 * <p>
 * The effective limit is the smallest one on the way from the process's cgroup up to the
 * mount's root: a pod's limit may be set on the pod's cgroup and not repeated on the
 * container's. Inside a container the path in {@code /proc/self/cgroup} may name a cgroup
 * outside the container's view (cgroup v1, no cgroup namespace); the mount's root is then
 * the process's own cgroup.
 */
final class CgroupLimits {

	/** v1 reports "no limit" as a huge page-aligned number rather than "max". */
	private static final long UNLIMITED_V1 = 1L << 62;

	private static final Pattern WHITESPACE = Pattern.compile("\\s+");

	private static final Pattern OOM_COUNT = Pattern.compile("[0-9]{1,18}");

	private static final Path MOUNT = Path.of("/sys/fs/cgroup");

	/**
	 * The limits of the last {@code /proc/PID/cgroup} read, with the files found for it:
	 * a driver's QEMUs share its cgroup, so every start asks about the same one.
	 */
	private static volatile Cached last;

	private final Path mount;

	private final List<String> procSelfCgroup;

	/**
	 * Which files hold the limits, found on first use. A process's cgroup directory and
	 * those above it stay what they are while it stays in that cgroup, and a process
	 * moved elsewhere gets other {@code /proc/PID/cgroup} lines, hence another instance
	 * ({@link #of}); the limits themselves are read on every call, as a pod's limits may
	 * be resized in place.
	 */
	private volatile LimitFiles files;

	CgroupLimits(Path mount, List<String> procSelfCgroup) {
		this.mount = mount;
		this.procSelfCgroup = List.copyOf(procSelfCgroup);
	}

	/**
	 * This process's limits; none when {@code /proc/self/cgroup} cannot be read (not
	 * Linux).
	 */
	static CgroupLimits ofThisProcess() {
		return ofProcess("self");
	}

	/**
	 * The limits of another process's cgroup ({@code /proc/PID/cgroup}), e.g. a QEMU that
	 * a wrapper moved to a cgroup of its own; none when that cannot be read (the process
	 * is gone, not Linux).
	 */
	static CgroupLimits ofProcess(String pid) {
		byte[] cgroup;
		try {
			cgroup = ProcFiles.readBytes(Path.of("/proc", pid, "cgroup"));
		}
		catch (IOException | RuntimeException ex) {
			return new CgroupLimits(Path.of("/nonexistent"), List.of());
		}
		return of(MOUNT, cgroup);
	}

	/**
	 * The limits of the cgroup {@code procCgroup} (a {@code /proc/PID/cgroup} file's
	 * bytes) names under {@code mount}: the same instance as last time when they are the
	 * same, so the files it found are not searched again.
	 */
	static CgroupLimits of(Path mount, byte[] procCgroup) {
		Cached cached = last;
		if (cached != null && cached.limits.mount.equals(mount) && Arrays.equals(cached.procCgroup, procCgroup)) {
			return cached.limits;
		}
		CgroupLimits limits = new CgroupLimits(mount, new String(procCgroup, StandardCharsets.UTF_8).lines().toList());
		last = new Cached(procCgroup.clone(), limits);
		return limits;
	}

	private record Cached(byte[] procCgroup, CgroupLimits limits) {
	}

	/** A limit and the file it was read from. */
	record Limit(long value, Path file) {
	}

	/** A CPU quota in CPUs (quota / period) and the file it was read from. */
	record CpuQuota(double cpus, Path file) {
	}

	/** The effective memory limit in bytes, if any. */
	Optional<Limit> memoryLimit() {
		Limit smallest = null;
		for (Path file : files().memoryLimits) {
			String text = read(file);
			if (text == null) {
				continue;
			}
			text = text.trim();
			if (text.equals("max")) {
				continue;
			}
			long value = Long.parseLong(text);
			if (value < UNLIMITED_V1 && (smallest == null || value < smallest.value())) {
				smallest = new Limit(value, file);
			}
		}
		return Optional.ofNullable(smallest);
	}

	/** The effective CPU quota, if any. */
	Optional<CpuQuota> cpuQuota() {
		LimitFiles files = files();
		for (Path file : files.cpuMax) {
			String text = read(file);
			String[] max = (text != null) ? WHITESPACE.split(text.trim()) : null;
			if (max != null && max.length == 2 && !"max".equals(max[0])) {
				return Optional.of(new CpuQuota(Double.parseDouble(max[0]) / Double.parseDouble(max[1]), file));
			}
		}
		for (Path dir : files.cfsDirectories) {
			String quota = read(dir.resolve("cpu.cfs_quota_us"));
			String period = read(dir.resolve("cpu.cfs_period_us"));
			if (quota != null && period != null) {
				long quotaUs = Long.parseLong(quota.trim());
				long periodUs = Long.parseLong(period.trim());
				if (quotaUs > 0 && periodUs > 0) {
					return Optional.of(new CpuQuota((double) quotaUs / periodUs, dir.resolve("cpu.cfs_quota_us")));
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * The file whose {@code oom_kill} line counts the processes of this cgroup killed by
	 * the OOM killer: v2 {@code memory.events} (which includes the cgroups below), v1
	 * {@code memory.oom_control} (Linux 4.13 and later). The kernel counts a kill before
	 * it sends the SIGKILL, so by the time the victim has been reaped the count has gone
	 * up.
	 */
	Optional<Path> oomKillCounter() {
		return files().oomKillCounter.filter(Files::isRegularFile);
	}

	/** The {@code oom_kill} count in {@code file}, if it has one. */
	static Optional<Long> oomKills(Path file) {
		String text = read(file);
		if (text == null) {
			return Optional.empty();
		}
		for (String line : text.split("\n")) {
			String[] fields = WHITESPACE.split(line.trim());
			if (fields.length == 2 && fields[0].equals("oom_kill") && OOM_COUNT.matcher(fields[1]).matches()) {
				return Optional.of(Long.parseLong(fields[1]));
			}
		}
		return Optional.empty();
	}

	private LimitFiles files() {
		LimitFiles files = this.files;
		if (files == null) {
			files = find();
			this.files = files;
		}
		return files;
	}

	/** Where this cgroup's limits are, whether or not the files hold one now. */
	private LimitFiles find() {
		Optional<Path> v2 = directory("");
		if (v2.isPresent() && Files.exists(this.mount.resolve("cgroup.controllers"))) {
			return new LimitFiles(upTo(v2.get(), this.mount, "memory.max"), upTo(v2.get(), this.mount, "cpu.max"),
					List.of(), v2.map((dir) -> dir.resolve("memory.events")));
		}
		Optional<Path> memory = directory("memory");
		List<Path> memoryLimits = memory.map((dir) -> upTo(dir, this.mount.resolve("memory"), "memory.limit_in_bytes"))
			.orElse(List.of());
		Path cpuMount = Files.isDirectory(this.mount.resolve("cpu")) ? this.mount.resolve("cpu")
				: this.mount.resolve("cpu,cpuacct");
		List<Path> cfs = new ArrayList<>();
		for (Path dir = directory("cpu").or(() -> directory("cpu,cpuacct")).orElse(null); dir != null
				&& dir.startsWith(cpuMount); dir = dir.getParent()) {
			cfs.add(dir);
		}
		return new LimitFiles(memoryLimits, List.of(), List.copyOf(cfs),
				memory.map((dir) -> dir.resolve("memory.oom_control")));
	}

	/**
	 * The files of this cgroup's limits: each of the candidates, from the own cgroup up
	 * to the mount's root.
	 */
	private record LimitFiles(List<Path> memoryLimits, List<Path> cpuMax, List<Path> cfsDirectories,
			Optional<Path> oomKillCounter) {
	}

	private static List<Path> upTo(Path from, Path root, String file) {
		List<Path> files = new ArrayList<>();
		for (Path dir = from; dir != null && dir.startsWith(root); dir = dir.getParent()) {
			files.add(dir.resolve(file));
		}
		return List.copyOf(files);
	}

	/**
	 * The directory of this process's cgroup for a v1 controller ({@code ""}: the v2
	 * hierarchy), or the controller mount's root when the path is not visible from here.
	 */
	private Optional<Path> directory(String controller) {
		Path base = controller.isEmpty() ? this.mount : this.mount.resolve(controller);
		if (!Files.isDirectory(base)) {
			return Optional.empty();
		}
		for (String line : this.procSelfCgroup) {
			String[] parts = line.split(":", 3);
			if (parts.length != 3) {
				continue;
			}
			boolean matches = controller.isEmpty() ? parts[0].equals("0") && parts[1].isEmpty()
					: List.of(parts[1].split(",")).containsAll(List.of(controller.split(",")));
			if (matches) {
				Path own = base.resolve(parts[2].replaceFirst("^/+", "")).normalize();
				return Optional.of((own.startsWith(base) && Files.isDirectory(own)) ? own : base);
			}
		}
		return Optional.empty();
	}

	private static String read(Path file) {
		return ProcFiles.readOrNull(file);
	}

}
