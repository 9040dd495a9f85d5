package io.github.qemuembed.driver.internal.xml;

import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * The two x86 machine families supported: i440FX ({@code pc}) and Q35 ({@code q35}, PCI
 * Express).
 */
public enum MachineFamily {

	PC, Q35;

	/**
	 * The family of a machine type name, alias or versioned ({@code q35},
	 * {@code pc-q35-7.2}, {@code pc-i440fx-7.2}).
	 */
	public static MachineFamily of(String machine) {
		if (machine.equals("q35") || machine.startsWith("pc-q35-")) {
			return Q35;
		}
		if (machine.equals("pc") || machine.startsWith("pc-i440fx-")) {
			return PC;
		}
		throw new UnsupportedConfigurationException("/domain/os/type/@machine",
				"machine type '" + Numbers.abbreviate(machine)
						+ "' is not supported; supported: pc, q35 and their versions (pc-i440fx-*, pc-q35-*)");
	}

	/**
	 * libvirt's model of the root bus controller
	 * ({@code <controller type='pci' index='0' model=...>}).
	 */
	public String rootModel() {
		return (this == Q35) ? "pcie-root" : "pci-root";
	}

	/** The QEMU id of the root bus. */
	public String rootBus() {
		return (this == Q35) ? "pcie.0" : "pci.0";
	}

}
