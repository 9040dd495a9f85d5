package io.github.qemuembed.driver.internal.cli;

import java.nio.file.Path;
import java.time.Duration;

import io.github.qemuembed.driver.internal.capabilities.CapabilityProbe;
import io.github.qemuembed.driver.internal.capabilities.QemuCapabilities;

/**
 * Where the CLI gets an emulator's capabilities from. The seam exists so that tests can
 * hand in a fixed value; {@link #PROBE} asks the binary itself.
 */
@FunctionalInterface
interface CapabilitiesSource {

	/** Probes the binary over QMP (about 100 ms), without caching. */
	CapabilitiesSource PROBE = (emulator) -> CapabilityProbe.probe(emulator, Duration.ofSeconds(20));

	QemuCapabilities capabilities(Path emulator);

}
