package io.github.qemuembed.driver.xml;

import java.util.Optional;

/** {@code <driver name='qemu' type cache discard/>} of a disk. */
public record DiskDriver(DiskFormat format, Optional<DiskCache> cache, Optional<DiskDiscard> discard) {

	public static final DiskDriver RAW = new DiskDriver(DiskFormat.RAW, Optional.empty(), Optional.empty());

}
