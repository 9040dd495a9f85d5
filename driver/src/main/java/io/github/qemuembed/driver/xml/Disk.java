package io.github.qemuembed.driver.xml;

import java.util.Optional;

/**
 * {@code <disk type device>}.
 *
 * @param type where the source lives
 * @param device disk or cdrom
 * @param driver format, cache and discard
 * @param source the image; empty only for a cdrom without medium
 * @param targetDev guest-side name ({@code vda}, {@code sda}, {@code hdc})
 * @param bus the bus the guest sees
 * @param readonly {@code <readonly/>}
 * @param shareable {@code <shareable/>}
 * @param serial {@code <serial>}
 * @param bootOrder {@code <boot order>}
 * @param encryption LUKS encryption with a secret
 * @param address PCI address (virtio) or drive address (sata, scsi, ide)
 * @param noBackingStore an empty {@code <backingStore/>}: the image is used without the backing file its header
 * may name (libvirt's meaning); without it QEMU opens the backing chain the image names
 */
public record Disk(DiskType type, DiskDevice device, DiskDriver driver, Optional<DiskSource> source,
		String targetDev, DiskBus bus, boolean readonly, boolean shareable, Optional<String> serial,
		Optional<Integer> bootOrder, Optional<DiskEncryption> encryption, Optional<DeviceAddress> address,
		boolean noBackingStore) {

	public Disk(DiskType type, DiskDevice device, DiskDriver driver, Optional<DiskSource> source, String targetDev,
			DiskBus bus, boolean readonly, boolean shareable, Optional<String> serial, Optional<Integer> bootOrder,
			Optional<DiskEncryption> encryption, Optional<DeviceAddress> address) {
		this(type, device, driver, source, targetDev, bus, readonly, shareable, serial, bootOrder, encryption, address,
				false);
	}

	public Disk withAddress(DeviceAddress address) {
		return new Disk(this.type, this.device, this.driver, this.source, this.targetDev, this.bus, this.readonly,
				this.shareable, this.serial, this.bootOrder, this.encryption, Optional.of(address),
				this.noBackingStore);
	}

	/** The disk's index from its target name: {@code vda} 0, {@code sdb} 1, {@code hdaa} 26. */
	public int targetIndex() {
		return DiskTargets.index(this.targetDev);
	}

}
