package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <pm><suspend-to-mem enabled/><suspend-to-disk enabled/></pm>}: whether the
 * guest's ACPI offers S3 and S4; empty means the machine's default.
 */
public record PowerManagement(Optional<Boolean> suspendToMem, Optional<Boolean> suspendToDisk) {

	public static final PowerManagement DEFAULT = new PowerManagement(Optional.empty(), Optional.empty());

}
