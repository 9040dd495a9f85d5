package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <vcpu current='C'>N</vcpu>}: {@code count} is the maximum number of vCPUs,
 * {@code current} how many are online at start. {@code cpuset} ({@code 0-3,^2,6},
 * normalized to a list of ranges) pins QEMU with all its threads to those host CPUs at
 * start, as libvirt does without {@code <cputune>}. Only {@code placement='static'} is
 * supported.
 */
public record Vcpu(int count, Optional<Integer> current, Optional<String> cpuset) {

	public Vcpu(int count, Optional<Integer> current) {
		this(count, current, Optional.empty());
	}

	/** vCPUs online at start. */
	public int online() {
		return this.current.orElse(this.count);
	}

}
