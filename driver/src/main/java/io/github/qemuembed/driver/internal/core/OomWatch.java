package io.github.qemuembed.driver.internal.core;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells an OOM kill from any other SIGKILL of a QEMU. A SIGKILL looks the same whoever
 * sends it; the kernel's OOM killer, though, counts each kill in the victim's memory
 * cgroup ({@code oom_kill} in v2 {@code memory.events}, v1 {@code memory.oom_control})
 * before it sends the signal. The count is read once QEMU runs (its cgroup is known from
 * {@code /proc/PID/cgroup} only while it lives: a wrapper or a runtime may have moved it
 * out of the JVM's cgroup) and again after its exit.
 * <p>
 * A rise during the run means that a process of that cgroup was OOM-killed; with several
 * VMs in one cgroup it could in principle be another one, which the message says by
 * naming the count rather than claiming certainty.
 */
final class OomWatch {

	private static final long MIB = 1024 * 1024;

	/** No counter to read (not Linux, no memory controller, the process already gone). */
	static final OomWatch NONE = new OomWatch(null, 0, Optional.empty());

	private final Path counter;

	private final long before;

	private final Optional<CgroupLimits.Limit> limit;

	private OomWatch(Path counter, long before, Optional<CgroupLimits.Limit> limit) {
		this.counter = counter;
		this.before = before;
		this.limit = limit;
	}

	/** Watches the cgroup of the running process {@code pid}. */
	static OomWatch of(long pid) {
		return of(CgroupLimits.ofProcess(Long.toString(pid)));
	}

	/** Watches the cgroup {@code limits} describes: its counter as it is now. */
	static OomWatch of(CgroupLimits limits) {
		Optional<Path> counter = limits.oomKillCounter();
		Optional<Long> now = counter.flatMap(CgroupLimits::oomKills);
		if (now.isEmpty()) {
			return NONE;
		}
		return new OomWatch(counter.get(), now.get(), limits.memoryLimit());
	}

	/**
	 * Why a process killed by SIGKILL died, when the OOM killer did it: the cgroup's
	 * memory limit and the counter's rise; empty when the count did not change (someone
	 * else sent the signal).
	 */
	Optional<String> oomKill() {
		if (this.counter == null) {
			return Optional.empty();
		}
		Optional<Long> after = CgroupLimits.oomKills(this.counter);
		if (after.isEmpty() || after.get() <= this.before) {
			return Optional.empty();
		}
		String limitText = this.limit
			.map((l) -> "the memory limit of " + (l.value() / MIB) + " MiB (" + l.file() + ") was reached")
			.orElse("its cgroup has no memory limit: the host ran out of memory");
		return Optional.of("OOM-killed: " + limitText + "; the cgroup's oom_kill count went from " + this.before
				+ " to " + after.get() + " during the run (" + this.counter + "). Raise the limit (docker --memory, "
				+ "the pod's resources.limits.memory) or lower the domains' <memory>");
	}

}
