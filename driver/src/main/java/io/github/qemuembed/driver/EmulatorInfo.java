package io.github.qemuembed.driver;

import java.nio.file.Path;
import java.util.List;

/**
 * What the driver knows about its emulator.
 *
 * @param path the QEMU binary
 * @param version QEMU's version, e.g. {@code 7.2.22}
 * @param accel the accelerator domains run with
 * @param accelerators accelerators the binary supports
 * @param machineTypes machine types the binary supports (including aliases such as
 * {@code q35})
 */
public record EmulatorInfo(Path path, String version, Accel accel, List<String> accelerators,
		List<String> machineTypes) {

}
