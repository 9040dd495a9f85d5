package io.github.qemuembed.driver;

/** The accelerator QEMU runs with. */
public enum Accel {

	/** KVM when {@code /dev/kvm} is usable, else TCG. */
	AUTO,
	/** Hardware virtualization; fails at open when {@code /dev/kvm} is not usable. */
	KVM,
	/** Software emulation: slower, works everywhere. */
	TCG

}
