package io.github.qemuembed.driver.internal.core;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.github.qemuembed.driver.error.ResourceLimitException;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;

/**
 * Refuses to start a domain whose memory cannot fit the driver's cgroup memory limit (a
 * container's {@code --memory}, a pod's {@code resources.limits.memory}), and warns when
 * the vCPUs exceed the CPU quota. Without it the guest would start, touch its memory
 * later, and get QEMU (or the whole pod) OOM-killed at a random moment; a refusal at
 * start names the limit instead.
 * <p>
 * The sum that must fit: every running domain's and this domain's {@code <memory>}, each
 * plus {@link #QEMU_OVERHEAD_BYTES}, plus what this JVM holds now (its resident set). The
 * overhead is the QEMU resident memory beyond guest RAM, measured (docs/performance.md,
 * {@code QemuMemoryOverhead} in the benchmarks): about 35 MiB for a guest-less VM under
 * KVM or TCG and about 107 MiB for a Linux guest booted under TCG (its translation
 * cache), rounded up to 128 MiB.
 */
final class ResourceFit {

	private static final System.Logger logger = System.getLogger(ResourceFit.class.getName());

	private static final long MIB = 1024 * 1024;

	/** QEMU's own memory per VM beyond guest RAM (measured: see the class comment). */
	static final long QEMU_OVERHEAD_BYTES = ResourceLimitException.QEMU_MEMORY_OVERHEAD_BYTES;

	/** The page size, as {@code ProcStat} counts it. */
	private static final long PAGE_SIZE = 4096;

	private static final Path STATM = Path.of("/proc/self/statm");

	private final CgroupLimits limits;

	ResourceFit(CgroupLimits limits) {
		this.limits = limits;
	}

	/**
	 * Checks {@code starting} against this process's limits, with the domains
	 * {@code context} runs now.
	 */
	static void check(DriverContext context, DomainDefinition starting) {
		List<DomainDefinition> running = new ArrayList<>();
		for (ManagedDomain domain : context.registry().all()) {
			QemuRun run = domain.currentRun();
			if (run != null && !domain.name().equals(starting.name())) {
				running.add(run.liveDefinition);
			}
		}
		new ResourceFit(CgroupLimits.ofThisProcess()).check(starting, running, residentBytesOfThisProcess());
	}

	void check(DomainDefinition starting, List<DomainDefinition> running, long jvmResidentBytes) {
		long othersBytes = 0;
		int vcpus = starting.vcpus();
		for (DomainDefinition definition : running) {
			othersBytes += definition.memoryKiB() * 1024 + QEMU_OVERHEAD_BYTES;
			vcpus += definition.vcpus();
		}
		long needBytes = starting.memoryKiB() * 1024 + QEMU_OVERHEAD_BYTES;
		Optional<CgroupLimits.Limit> memory = this.limits.memoryLimit();
		if (memory.isPresent() && othersBytes + needBytes + jvmResidentBytes > memory.get().value()) {
			long limit = memory.get().value();
			throw new ResourceLimitException("Domain '" + starting.name() + "' does not fit the memory limit of "
					+ mib(limit) + " MiB (" + memory.get().file() + "): it needs " + mib(starting.memoryKiB() * 1024)
					+ " MiB guest memory + " + mib(QEMU_OVERHEAD_BYTES) + " MiB QEMU overhead, " + running.size()
					+ " running domain(s) use " + mib(othersBytes) + " MiB with their overhead, and this JVM "
					+ mib(jvmResidentBytes) + " MiB. Raise the limit (docker --memory, the pod's "
					+ "resources.limits.memory) or lower the domain's <memory>", limit);
		}
		Optional<CgroupLimits.CpuQuota> quota = this.limits.cpuQuota();
		if (quota.isPresent() && vcpus > quota.get().cpus()) {
			logger.log(Level.WARNING,
					"Domain '" + starting.name() + "' brings the running vCPUs to " + vcpus
							+ ", more than the CPU quota of " + quota.get().cpus() + " CPU(s) (" + quota.get().file()
							+ "): the guests will be throttled. Raise the quota (docker --cpus, the pod's "
							+ "resources.limits.cpu) or give the domains fewer vCPUs");
		}
	}

	private static long mib(long bytes) {
		return (bytes + MIB - 1) / MIB;
	}

	/**
	 * Resident set of this process, 0 when it cannot be read (not Linux): the second
	 * field of {@code /proc/self/statm}, in pages (read on every start: it changes).
	 */
	static long residentBytesOfThisProcess() {
		String statm = ProcFiles.readOrNull(STATM);
		if (statm == null) {
			return 0;
		}
		String[] fields = statm.trim().split(" ");
		try {
			return (fields.length > 1) ? Long.parseLong(fields[1]) * PAGE_SIZE : 0;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
