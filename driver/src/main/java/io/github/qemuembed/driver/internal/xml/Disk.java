package io.github.qemuembed.driver.internal.xml;

import java.util.List;
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
 * @param noBackingStore the chain ends with an empty {@code <backingStore/>}: the
 * innermost image given (the source itself when {@code backingChain} is empty) is used
 * without the backing file its header may name (libvirt's meaning); without it QEMU opens
 * the rest of the chain the image names
 * @param backingChain the images below the source spelled out in nested
 * {@code <backingStore>}, outermost first
 * @param iotune {@code <iotune>} I/O limits
 */
public record Disk(DiskType type, DiskDevice device, DiskDriver driver, Optional<DiskSource> source, String targetDev,
		DiskBus bus, boolean readonly, boolean shareable, Optional<String> serial, Optional<Integer> bootOrder,
		Optional<DiskEncryption> encryption, Optional<DeviceAddress> address, boolean noBackingStore,
		List<BackingImage> backingChain, Optional<IoTune> iotune) {

	public Disk {
		backingChain = List.copyOf(backingChain);
	}

	public Disk(DiskType type, DiskDevice device, DiskDriver driver, Optional<DiskSource> source, String targetDev,
			DiskBus bus, boolean readonly, boolean shareable, Optional<String> serial, Optional<Integer> bootOrder,
			Optional<DiskEncryption> encryption, Optional<DeviceAddress> address, boolean noBackingStore) {
		this(type, device, driver, source, targetDev, bus, readonly, shareable, serial, bootOrder, encryption, address,
				noBackingStore, List.of(), Optional.empty());
	}

	public Disk(DiskType type, DiskDevice device, DiskDriver driver, Optional<DiskSource> source, String targetDev,
			DiskBus bus, boolean readonly, boolean shareable, Optional<String> serial, Optional<Integer> bootOrder,
			Optional<DiskEncryption> encryption, Optional<DeviceAddress> address) {
		this(type, device, driver, source, targetDev, bus, readonly, shareable, serial, bootOrder, encryption, address,
				false);
	}

	public Disk withAddress(DeviceAddress address) {
		return new Disk(this.type, this.device, this.driver, this.source, this.targetDev, this.bus, this.readonly,
				this.shareable, this.serial, this.bootOrder, this.encryption, Optional.of(address), this.noBackingStore,
				this.backingChain, this.iotune);
	}

	/**
	 * The disk's index from its target name: {@code vda} 0, {@code sdb} 1, {@code hdaa}
	 * 26.
	 */
	public int targetIndex() {
		return DiskTargets.index(this.targetDev);
	}

}
