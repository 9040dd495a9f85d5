package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

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

	private final Path mount;

	private final List<String> procSelfCgroup;

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
		try {
			return new CgroupLimits(Path.of("/sys/fs/cgroup"),
					Files.readAllLines(Path.of("/proc", pid, "cgroup"), StandardCharsets.UTF_8));
		}
		catch (IOException | RuntimeException ex) {
			return new CgroupLimits(Path.of("/nonexistent"), List.of());
		}
	}

	/** A limit and the file it was read from. */
	record Limit(long value, Path file) {
	}

	/** A CPU quota in CPUs (quota / period) and the file it was read from. */
	record CpuQuota(double cpus, Path file) {
	}

	/** The effective memory limit in bytes, if any. */
	Optional<Limit> memoryLimit() {
		Optional<Path> v2 = directory("");
		if (v2.isPresent() && Files.exists(this.mount.resolve("cgroup.controllers"))) {
			return smallest(v2.get(), this.mount, "memory.max");
		}
		return directory("memory")
			.flatMap((dir) -> smallest(dir, this.mount.resolve("memory"), "memory.limit_in_bytes"));
	}

	/** The effective CPU quota, if any. */
	Optional<CpuQuota> cpuQuota() {
		Optional<Path> v2 = directory("");
		if (v2.isPresent() && Files.exists(this.mount.resolve("cgroup.controllers"))) {
			for (Path dir = v2.get(); dir != null && dir.startsWith(this.mount); dir = dir.getParent()) {
				Optional<String[]> max = read(dir.resolve("cpu.max")).map((s) -> s.trim().split("\\s+"));
				if (max.isPresent() && max.get().length == 2 && !"max".equals(max.get()[0])) {
					return Optional.of(new CpuQuota(Double.parseDouble(max.get()[0]) / Double.parseDouble(max.get()[1]),
							dir.resolve("cpu.max")));
				}
			}
			return Optional.empty();
		}
		Path cpuMount = Files.isDirectory(this.mount.resolve("cpu")) ? this.mount.resolve("cpu")
				: this.mount.resolve("cpu,cpuacct");
		Optional<Path> v1 = directory("cpu").or(() -> directory("cpu,cpuacct"));
		for (Path dir = v1.orElse(null); dir != null && dir.startsWith(cpuMount); dir = dir.getParent()) {
			Optional<Long> quota = read(dir.resolve("cpu.cfs_quota_us")).map((s) -> Long.parseLong(s.trim()));
			Optional<Long> period = read(dir.resolve("cpu.cfs_period_us")).map((s) -> Long.parseLong(s.trim()));
			if (quota.isPresent() && period.isPresent() && quota.get() > 0 && period.get() > 0) {
				return Optional.of(new CpuQuota((double) quota.get() / period.get(), dir.resolve("cpu.cfs_quota_us")));
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
		Optional<Path> v2 = directory("");
		if (v2.isPresent() && Files.exists(this.mount.resolve("cgroup.controllers"))) {
			return v2.map((dir) -> dir.resolve("memory.events")).filter(Files::isRegularFile);
		}
		return directory("memory").map((dir) -> dir.resolve("memory.oom_control")).filter(Files::isRegularFile);
	}

	/** The {@code oom_kill} count in {@code file}, if it has one. */
	static Optional<Long> oomKills(Path file) {
		return read(file).flatMap((text) -> text.lines()
			.map((line) -> line.trim().split("\\s+"))
			.filter((fields) -> fields.length == 2 && fields[0].equals("oom_kill") && fields[1].matches("[0-9]{1,18}"))
			.map((fields) -> Long.parseLong(fields[1]))
			.findFirst());
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

	private static Optional<Limit> smallest(Path from, Path root, String file) {
		Limit smallest = null;
		for (Path dir = from; dir != null && dir.startsWith(root); dir = dir.getParent()) {
			Optional<Long> value = read(dir.resolve(file)).map(String::trim)
				.filter((s) -> !s.equals("max"))
				.map(Long::parseLong)
				.filter((v) -> v < UNLIMITED_V1);
			if (value.isPresent() && (smallest == null || value.get() < smallest.value())) {
				smallest = new Limit(value.get(), dir.resolve(file));
			}
		}
		return Optional.ofNullable(smallest);
	}

	private static Optional<String> read(Path file) {
		try {
			return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.US_ASCII))
					: Optional.empty();
		}
		catch (IOException | RuntimeException ex) {
			return Optional.empty();
		}
	}

}
