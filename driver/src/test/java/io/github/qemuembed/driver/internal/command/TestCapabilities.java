package io.github.qemuembed.driver.internal.command;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.qemuembed.driver.internal.capabilities.QemuCapabilities;

/**
 * Capabilities as QEMU 7.2 (Debian 12's qemu-system-x86) reports them, written down by
 * hand for unit tests.
 */
public final class TestCapabilities {

	private TestCapabilities() {
	}

	public static QemuCapabilities qemu72() {
		return new QemuCapabilities(Path.of("/usr/bin/qemu-system-x86_64"), "7.2.22",
				List.of("pc", "pc-i440fx-7.2", "pc-i440fx-7.1", "pc-i440fx-6.2", "q35", "pc-q35-7.2", "pc-q35-7.1",
						"pc-q35-6.2", "microvm", "isapc", "none"),
				Map.of("pc", "pc-i440fx-7.2", "q35", "pc-q35-7.2"), "pc-i440fx-7.2", Set.of("kvm", "tcg"),
				Set.of("virtio-blk-pci", "virtio-net-pci", "virtio-scsi-pci", "virtio-serial-pci", "virtserialport",
						"virtconsole", "virtio-balloon-pci", "virtio-rng-pci", "virtio-vga", "virtio-gpu-pci",
						"virtio-tablet-pci", "virtio-mouse-pci", "virtio-keyboard-pci", "vhost-vsock-pci",
						"pcie-root-port", "pci-bridge", "qemu-xhci", "nec-usb-xhci", "piix3-usb-uhci", "usb-tablet",
						"usb-mouse", "usb-kbd", "usb-storage", "ide-hd", "ide-cd", "scsi-hd", "scsi-cd", "ich9-ahci",
						"isa-serial", "e1000", "e1000e", "rtl8139", "VGA", "cirrus-vga", "bochs-display", "i6300esb",
						"ib700", "pvpanic", "pvpanic-pci", "qxl-vga", "qxl", "ich9-intel-hda", "intel-hda",
						"hda-duplex", "AC97", "usb-redir", "ich9-usb-ehci1", "ich9-usb-uhci1", "ich9-usb-uhci2",
						"ich9-usb-uhci3", "tpm-crb", "tpm-tis", "vhost-user-fs-pci", "floppy", "isa-fdc"),
				Set.of("secret", "rng-random", "rng-builtin", "memory-backend-ram", "memory-backend-file",
						"memory-backend-memfd", "iothread", "throttle-group"),
				Set.of("qemu64", "qemu32", "kvm64", "max", "host", "base", "Skylake-Client", "Skylake-Server",
						"Haswell", "Broadwell", "EPYC", "EPYC-Rome", "Nehalem", "Westmere", "SandyBridge", "IvyBridge",
						"Icelake-Server", "Cascadelake-Server", "core2duo", "Opteron_G5"));
	}

}
