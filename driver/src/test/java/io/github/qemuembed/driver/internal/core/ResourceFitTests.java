package io.github.qemuembed.driver.internal.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.ResourceLimitException;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import io.github.qemuembed.driver.internal.xml.DomainXml;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * {@link ResourceFit}: the sum that must fit a memory limit, and the message of a
 * refusal.
 */
class ResourceFitTests {

	private static final long MIB = 1024 * 1024;

	@TempDir
	Path mount;

	private ResourceFit fit;

	@BeforeEach
	void limitTo512MiB() throws IOException {
		Files.writeString(this.mount.resolve("cgroup.controllers"), "memory\n");
		Files.writeString(this.mount.resolve("memory.max"), String.valueOf(512 * MIB));
		this.fit = new ResourceFit(new CgroupLimits(this.mount, List.of("0::/")));
	}

	private static DomainDefinition domain(String name, int mib) {
		return DomainXml.parse("<domain type='qemu'><name>" + name + "</name><memory unit='MiB'>" + mib
				+ "</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='q35'>hvm</type></os></domain>");
	}

	@Test
	void aDomainThatFitsStarts() {
		// 128 + 128 overhead + 200 JVM = 456 MiB <= 512 MiB
		assertThatNoException().isThrownBy(() -> this.fit.check(domain("a", 128), List.of(), 200 * MIB));
	}

	@Test
	void aDomainLargerThanTheLimitIsRefusedNamingTheLimit() {
		assertThatExceptionOfType(ResourceLimitException.class)
			.isThrownBy(() -> this.fit.check(domain("big", 1024), List.of(), 100 * MIB))
			.satisfies((ex) -> {
				org.assertj.core.api.Assertions.assertThat(ex.code()).isEqualTo(ErrorCode.OPERATION_FAILED);
				org.assertj.core.api.Assertions.assertThat(ex.limitBytes()).isEqualTo(512 * MIB);
			})
			.withMessageContaining(
					"Domain 'big' does not fit the memory limit of 512 MiB (" + this.mount.resolve("memory.max") + ")")
			.withMessageContaining("1024 MiB guest memory + 128 MiB QEMU overhead")
			.withMessageContaining("resources.limits.memory");
	}

	@Test
	void runningDomainsCountWithTheirOverhead() {
		// alone: 128 + 128 + 100 = 356 fits; with a running 64 MiB domain: + 64 + 128 =
		// 548 does not
		assertThatNoException().isThrownBy(() -> this.fit.check(domain("b", 128), List.of(), 100 * MIB));
		assertThatExceptionOfType(ResourceLimitException.class)
			.isThrownBy(() -> this.fit.check(domain("b", 128), List.of(domain("a", 64)), 100 * MIB))
			.withMessageContaining("1 running domain(s) use 192 MiB");
	}

	@Test
	void noLimitNoRefusal() {
		ResourceFit unlimited = new ResourceFit(new CgroupLimits(this.mount.resolve("none"), List.of()));
		assertThatNoException().isThrownBy(() -> unlimited.check(domain("huge", 65536), List.of(), 0));
	}

	@Test
	void theJvmsResidentSetIsReadFromProc() {
		// the same count the process table reads from /proc/PID/stat; the heap grows
		// between the two reads at most by what a test allocates
		long fromStatm = ResourceFit.residentBytesOfThisProcess();
		long fromStat = io.github.qemuembed.driver.internal.process.ProcStat.read(ProcessHandle.current().pid())
			.orElseThrow()
			.residentBytes();
		org.assertj.core.api.Assertions.assertThat(fromStatm)
			.isPositive()
			.isCloseTo(fromStat, org.assertj.core.api.Assertions.within(64 * MIB));
	}

}
