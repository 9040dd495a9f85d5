package io.github.qemuembed.driver.cli;

import java.nio.file.Path;
import java.time.Duration;

import io.github.qemuembed.driver.capabilities.CapabilityProbe;
import io.github.qemuembed.driver.capabilities.QemuCapabilities;

/**
 * Where the CLI gets an emulator's capabilities from. The seam exists so that tests can
 * hand in a fixed value; {@link #PROBE} asks the binary itself.
 */
@FunctionalInterface
public interface CapabilitiesSource {

	/** Probes the binary over QMP (about 100 ms), without caching. */
	CapabilitiesSource PROBE = (emulator) -> CapabilityProbe.probe(emulator, Duration.ofSeconds(20));

	QemuCapabilities capabilities(Path emulator);

}
