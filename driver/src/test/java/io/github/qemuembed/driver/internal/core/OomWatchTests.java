package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OomWatch} on cgroup files laid out as the kernel shows them; a real OOM kill is
 * in {@link OomKillTests}.
 */
class OomWatchTests {

	@TempDir
	Path mount;

	@Test
	void aRiseOfTheCountIsAnOomKillNamingTheLimit() throws IOException {
		Files.writeString(this.mount.resolve("cgroup.controllers"), "memory\n");
		Path pod = Files.createDirectories(this.mount.resolve("pod"));
		Files.writeString(pod.resolve("memory.max"), Long.toString(512L * 1024 * 1024));
		Files.writeString(pod.resolve("memory.events"), "oom 0\noom_kill 0\n");
		OomWatch watch = OomWatch.of(new CgroupLimits(this.mount, List.of("0::/pod")));
		assertThat(watch.oomKill()).isEmpty();
		Files.writeString(pod.resolve("memory.events"), "oom 1\noom_kill 1\n");
		assertThat(watch.oomKill()).hasValue("OOM-killed: the memory limit of 512 MiB (" + pod.resolve("memory.max")
				+ ") was reached; the cgroup's oom_kill count went from 0 to 1 during the run ("
				+ pod.resolve("memory.events") + "). Raise the limit (docker --memory, the pod's "
				+ "resources.limits.memory) or lower the domains' <memory>");
	}

	@Test
	void withoutALimitTheHostRanOutOfMemory() throws IOException {
		Path memory = Files.createDirectories(this.mount.resolve("memory"));
		Files.writeString(memory.resolve("memory.limit_in_bytes"), "9223372036854771712\n");
		Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
		OomWatch watch = OomWatch.of(new CgroupLimits(this.mount, List.of("4:memory:/", "0::/")));
		Files.writeString(memory.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 4\n");
		assertThat(watch.oomKill()).hasValueSatisfying((text) -> assertThat(text)
			.startsWith("OOM-killed: its cgroup has no memory limit: the host ran out of memory; the cgroup's "
					+ "oom_kill count went from 3 to 4"));
	}

	@Test
	void noCounterNeverClaimsAnOomKill() {
		assertThat(OomWatch.of(new CgroupLimits(this.mount.resolve("missing"), List.of("0::/"))).oomKill()).isEmpty();
		assertThat(OomWatch.NONE.oomKill()).isEmpty();
	}

}
