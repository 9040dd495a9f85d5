package io.github.qemuembed.driver.internal.core;

import java.nio.file.Files;
import java.nio.file.Path;

import io.github.qemuembed.driver.Accel;
import io.github.qemuembed.driver.internal.capabilities.QemuCapabilities;
import io.github.qemuembed.driver.error.EmulatorException;

/**
 * Turns the configured accelerator into the one domains run with: KVM or TCG, never AUTO.
 */
final class AccelResolver {

	private static final Path KVM_DEVICE = Path.of("/dev/kvm");

	private AccelResolver() {
	}

	static Accel resolve(Accel configured, QemuCapabilities capabilities) {
		boolean kvmUsable = Files.isReadable(KVM_DEVICE) && Files.isWritable(KVM_DEVICE)
				&& capabilities.accelerators().contains("kvm");
		return switch (configured) {
			case TCG -> Accel.TCG;
			case AUTO -> kvmUsable ? Accel.KVM : Accel.TCG;
			case KVM -> {
				if (!kvmUsable) {
					throw new EmulatorException("accel=kvm was requested but KVM is not usable here (" + KVM_DEVICE
							+ " missing or not read/writable, or " + capabilities.emulator()
							+ " lacks KVM support): use accel auto or tcg");
				}
				yield Accel.KVM;
			}
		};
	}

}
