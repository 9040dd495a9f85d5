package io.github.qemuembed.driver;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

import io.github.qemuembed.driver.agent.GuestAgentState;

/**
 * A snapshot of a domain's runtime facts, read from the process table ({@code /proc}) and
 * the definition. For an inactive domain, {@code pid}, {@code startedAt}, {@code uptime}
 * and the usage figures are empty/zero.
 *
 * @param status state and reason
 * @param pid QEMU's process id while active
 * @param startedAt when QEMU was started
 * @param uptime time since start
 * @param vcpus configured vCPU count
 * @param maxMemoryKiB {@code <memory>} in KiB
 * @param currentMemoryKiB {@code <currentMemory>} in KiB
 * @param cpuTime CPU time consumed by QEMU (user + system), zero when inactive
 * @param residentBytes resident set size of QEMU, zero when inactive
 * @param persistent whether the domain has a persistent definition
 * @param guestAgent the state of the guest agent channel ({@code VSERPORT_CHANGE});
 * {@code NONE} without one
 */
public record DomainInfo(DomainStatus status, OptionalLong pid, Optional<Instant> startedAt, Duration uptime, int vcpus,
		long maxMemoryKiB, long currentMemoryKiB, Duration cpuTime, long residentBytes, boolean persistent,
		GuestAgentState guestAgent) {

	/** Facts of a domain without a guest agent channel. */
	public DomainInfo(DomainStatus status, OptionalLong pid, Optional<Instant> startedAt, Duration uptime, int vcpus,
			long maxMemoryKiB, long currentMemoryKiB, Duration cpuTime, long residentBytes, boolean persistent) {
		this(status, pid, startedAt, uptime, vcpus, maxMemoryKiB, currentMemoryKiB, cpuTime, residentBytes, persistent,
				GuestAgentState.NONE);
	}

}
