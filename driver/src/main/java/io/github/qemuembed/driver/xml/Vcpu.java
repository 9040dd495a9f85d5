package io.github.qemuembed.driver.xml;

import java.util.Optional;

/**
 * {@code <vcpu current='C'>N</vcpu>}: {@code count} is the maximum number of vCPUs, {@code current}
 * how many are online at start. Only {@code placement='static'} without {@code cpuset} is supported.
 */
public record Vcpu(int count, Optional<Integer> current) {

	/** vCPUs online at start. */
	public int online() {
		return this.current.orElse(this.count);
	}

}
