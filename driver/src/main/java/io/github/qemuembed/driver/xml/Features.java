package io.github.qemuembed.driver.xml;

import java.util.Optional;

/**
 * {@code <features>}: which of {@code <acpi/>}, {@code <apic/>}, {@code <pae/>} are present, and
 * {@code <vmport state='on|off'/>} (VMware I/O port emulation) when given.
 */
public record Features(boolean acpi, boolean apic, boolean pae, Optional<Boolean> vmport) {

	public static final Features NONE = new Features(false, false, false, Optional.empty());

	public Features(boolean acpi, boolean apic, boolean pae) {
		this(acpi, apic, pae, Optional.empty());
	}

}
