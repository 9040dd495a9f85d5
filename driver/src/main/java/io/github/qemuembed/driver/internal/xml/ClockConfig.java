package io.github.qemuembed.driver.internal.xml;

import java.util.List;

/** {@code <clock offset>} with its {@code <timer>} elements. */
public record ClockConfig(ClockOffset offset, List<ClockTimer> timers) {

	public ClockConfig {
		timers = List.copyOf(timers);
	}

}
