package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CgroupLimits} on cgroup trees laid out as the kernel shows them (v2 unified, v1
 * per controller, inside and outside a container). The real files are read in the
 * container test (integration-tests, {@code SampleAppContainerIT}).
 */
class CgroupLimitsTests {

	@TempDir
	Path mount;

	@Test
	void v2TakesTheSmallestLimitOnTheWayUp() throws IOException {
		Files.writeString(this.mount.resolve("cgroup.controllers"), "cpu memory pids\n");
		Path pod = Files.createDirectories(this.mount.resolve("kubepods/pod1"));
		Path container = Files.createDirectories(pod.resolve("c1"));
		Files.writeString(pod.resolve("memory.max"), "536870912\n");
		Files.writeString(container.resolve("memory.max"), "max\n");
		Files.writeString(pod.resolve("cpu.max"), "max 100000\n");
		Files.writeString(container.resolve("cpu.max"), "150000 100000\n");
		CgroupLimits limits = new CgroupLimits(this.mount, List.of("0::/kubepods/pod1/c1"));
		assertThat(limits.memoryLimit()).hasValue(new CgroupLimits.Limit(536870912L, pod.resolve("memory.max")));
		assertThat(limits.cpuQuota()).hasValue(new CgroupLimits.CpuQuota(1.5, container.resolve("cpu.max")));
	}

	@Test
	void v2WithoutLimits() throws IOException {
		Files.writeString(this.mount.resolve("cgroup.controllers"), "cpu memory\n");
		Files.writeString(this.mount.resolve("memory.max"), "max\n");
		Files.writeString(this.mount.resolve("cpu.max"), "max 100000\n");
		CgroupLimits limits = new CgroupLimits(this.mount, List.of("0::/"));
		assertThat(limits.memoryLimit()).isEmpty();
		assertThat(limits.cpuQuota()).isEmpty();
	}

	@Test
	void v1InAContainerWhosePathIsNotVisibleUsesTheMountRoot() throws IOException {
		// Docker on cgroup v1 without a cgroup namespace: /proc/self/cgroup names
		// /docker/ID, the
		// controller's mount shows the container's own cgroup at its root
		Path memory = Files.createDirectories(this.mount.resolve("memory"));
		Path cpu = Files.createDirectories(this.mount.resolve("cpu"));
		Files.writeString(memory.resolve("memory.limit_in_bytes"), "314572800\n");
		Files.writeString(cpu.resolve("cpu.cfs_quota_us"), "50000\n");
		Files.writeString(cpu.resolve("cpu.cfs_period_us"), "100000\n");
		CgroupLimits limits = new CgroupLimits(this.mount,
				List.of("4:memory:/docker/abc", "1:cpu:/docker/abc", "0::/docker/abc"));
		assertThat(limits.memoryLimit())
			.hasValue(new CgroupLimits.Limit(314572800L, memory.resolve("memory.limit_in_bytes")));
		assertThat(limits.cpuQuota()).hasValue(new CgroupLimits.CpuQuota(0.5, cpu.resolve("cpu.cfs_quota_us")));
	}

	@Test
	void v1UnlimitedIsNoLimit() throws IOException {
		Path own = Files.createDirectories(this.mount.resolve("memory/process_api/x"));
		Files.writeString(own.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
		Files.writeString(this.mount.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
		Path cpu = Files.createDirectories(this.mount.resolve("cpu"));
		Files.writeString(cpu.resolve("cpu.cfs_quota_us"), "-1\n");
		Files.writeString(cpu.resolve("cpu.cfs_period_us"), "100000\n");
		CgroupLimits limits = new CgroupLimits(this.mount, List.of("4:memory:/process_api/x", "1:cpu:/"));
		assertThat(limits.memoryLimit()).isEmpty();
		assertThat(limits.cpuQuota()).isEmpty();
	}

	@Test
	void noCgroupFilesNoLimits() {
		CgroupLimits limits = new CgroupLimits(this.mount.resolve("missing"), List.of("0::/"));
		assertThat(limits.memoryLimit()).isEmpty();
		assertThat(limits.cpuQuota()).isEmpty();
	}

	@Test
	void oomKillCounterIsMemoryEventsOnV2AndOomControlOnV1() throws IOException {
		Files.writeString(this.mount.resolve("cgroup.controllers"), "memory\n");
		Path pod = Files.createDirectories(this.mount.resolve("kubepods/pod1"));
		Files.writeString(pod.resolve("memory.events"), "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n");
		CgroupLimits v2 = new CgroupLimits(this.mount, List.of("0::/kubepods/pod1"));
		assertThat(v2.oomKillCounter()).hasValue(pod.resolve("memory.events"));
		assertThat(CgroupLimits.oomKills(pod.resolve("memory.events"))).hasValue(2L);

		Path v1Mount = Files.createDirectories(this.mount.resolve("v1"));
		Path own = Files.createDirectories(v1Mount.resolve("memory/qe"));
		Files.writeString(own.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 7\n");
		CgroupLimits v1 = new CgroupLimits(v1Mount, List.of("4:memory:/qe", "0::/"));
		assertThat(v1.oomKillCounter()).hasValue(own.resolve("memory.oom_control"));
		assertThat(CgroupLimits.oomKills(own.resolve("memory.oom_control"))).hasValue(7L);
	}

	@Test
	void oomKillCounterMissingOrUnreadable() throws IOException {
		// a kernel before 4.13 has memory.oom_control without the oom_kill line
		Path own = Files.createDirectories(this.mount.resolve("memory"));
		Files.writeString(own.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\n");
		assertThat(CgroupLimits.oomKills(own.resolve("memory.oom_control"))).isEmpty();
		Files.writeString(own.resolve("memory.oom_control"), "oom_kill garbage\n");
		assertThat(CgroupLimits.oomKills(own.resolve("memory.oom_control"))).isEmpty();
		assertThat(new CgroupLimits(this.mount.resolve("missing"), List.of("0::/")).oomKillCounter()).isEmpty();
	}

	@Test
	void limitsChangedAtRunTimeAreReadAtTheNextCall() throws IOException {
		// a pod resized in place: the kubelet rewrites the files of the same cgroup
		Files.writeString(this.mount.resolve("cgroup.controllers"), "cpu memory\n");
		Path pod = Files.createDirectories(this.mount.resolve("kubepods/pod1"));
		Path container = Files.createDirectories(pod.resolve("c1"));
		Files.writeString(pod.resolve("memory.max"), "536870912\n");
		Files.writeString(container.resolve("cpu.max"), "max 100000\n");
		CgroupLimits limits = CgroupLimits.of(this.mount, "0::/kubepods/pod1/c1\n".getBytes(StandardCharsets.UTF_8));
		assertThat(limits.memoryLimit()).hasValue(new CgroupLimits.Limit(536870912L, pod.resolve("memory.max")));
		assertThat(limits.cpuQuota()).isEmpty();

		Files.writeString(pod.resolve("memory.max"), "1073741824\n");
		// a limit file the first call did not find
		Files.writeString(container.resolve("memory.max"), "805306368\n");
		Files.writeString(container.resolve("cpu.max"), "200000 100000\n");
		CgroupLimits again = CgroupLimits.of(this.mount, "0::/kubepods/pod1/c1\n".getBytes(StandardCharsets.UTF_8));
		assertThat(again).isSameAs(limits);
		assertThat(again.memoryLimit()).hasValue(new CgroupLimits.Limit(805306368L, container.resolve("memory.max")));
		assertThat(again.cpuQuota()).hasValue(new CgroupLimits.CpuQuota(2.0, container.resolve("cpu.max")));

		Files.writeString(container.resolve("memory.max"), "max\n");
		Files.writeString(pod.resolve("memory.max"), "max\n");
		assertThat(again.memoryLimit()).isEmpty();
	}

	@Test
	void aProcessInAnotherCgroupGetsThatCgroupsLimits() throws IOException {
		Files.writeString(this.mount.resolve("cgroup.controllers"), "memory\n");
		Path a = Files.createDirectories(this.mount.resolve("a"));
		Path b = Files.createDirectories(this.mount.resolve("b"));
		Files.writeString(a.resolve("memory.max"), "1048576\n");
		Files.writeString(b.resolve("memory.max"), "2097152\n");
		CgroupLimits inA = CgroupLimits.of(this.mount, "0::/a\n".getBytes(StandardCharsets.UTF_8));
		assertThat(inA.memoryLimit()).hasValue(new CgroupLimits.Limit(1048576L, a.resolve("memory.max")));
		// moved (or another process): other /proc/PID/cgroup lines, other files
		CgroupLimits inB = CgroupLimits.of(this.mount, "0::/b\n".getBytes(StandardCharsets.UTF_8));
		assertThat(inB).isNotSameAs(inA);
		assertThat(inB.memoryLimit()).hasValue(new CgroupLimits.Limit(2097152L, b.resolve("memory.max")));
		assertThat(CgroupLimits.of(this.mount.resolve("missing"), "0::/b\n".getBytes(StandardCharsets.UTF_8))
			.memoryLimit()).isEmpty();
	}

	@Test
	void v1QuotaSetLaterOnTheWayUpIsFound() throws IOException {
		Path own = Files.createDirectories(this.mount.resolve("cpu/qe"));
		Files.writeString(own.resolve("cpu.cfs_quota_us"), "-1\n");
		Files.writeString(own.resolve("cpu.cfs_period_us"), "100000\n");
		CgroupLimits limits = new CgroupLimits(this.mount, List.of("1:cpu:/qe"));
		assertThat(limits.cpuQuota()).isEmpty();
		Files.writeString(this.mount.resolve("cpu/cpu.cfs_quota_us"), "25000\n");
		Files.writeString(this.mount.resolve("cpu/cpu.cfs_period_us"), "100000\n");
		assertThat(limits.cpuQuota())
			.hasValue(new CgroupLimits.CpuQuota(0.25, this.mount.resolve("cpu/cpu.cfs_quota_us")));
	}

}
