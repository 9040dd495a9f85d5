package io.github.qemuembed.driver.internal.xml;

import java.util.List;
import java.util.Optional;

/**
 * {@code <features>}: which of {@code <acpi/>}, {@code <apic/>}, {@code <pae/>} are
 * present, {@code <vmport state='on|off'/>} (VMware I/O port emulation) when given, and
 * the Hyper-V enlightenments of {@code <hyperv mode='custom'>} in libvirt's order (empty
 * without {@code <hyperv>}), and {@code <apic eoi='on|off'/>} (KVM's paravirtual end of
 * interrupt).
 */
public record Features(boolean acpi, boolean apic, boolean pae, Optional<Boolean> vmport, List<HypervFeature> hyperv,
		Optional<Boolean> apicEoi) {

	public static final Features NONE = new Features(false, false, false, Optional.empty(), List.of(),
			Optional.empty());

	public Features(boolean acpi, boolean apic, boolean pae, Optional<Boolean> vmport, List<HypervFeature> hyperv) {
		this(acpi, apic, pae, vmport, hyperv, Optional.empty());
	}

	public Features {
		hyperv = List.copyOf(hyperv);
	}

	public Features(boolean acpi, boolean apic, boolean pae) {
		this(acpi, apic, pae, Optional.empty(), List.of());
	}

	public Features(boolean acpi, boolean apic, boolean pae, Optional<Boolean> vmport) {
		this(acpi, apic, pae, vmport, List.of());
	}

}
