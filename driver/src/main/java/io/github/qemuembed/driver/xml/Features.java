package io.github.qemuembed.driver.xml;

/** {@code <features>}: which of {@code <acpi/>}, {@code <apic/>}, {@code <pae/>} are present. */
public record Features(boolean acpi, boolean apic, boolean pae) {

	public static final Features NONE = new Features(false, false, false);

}
