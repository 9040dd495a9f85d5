package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <driver name='qemu' type cache discard io/>} of a disk; {@code io} is QEMU's
 * {@code aio} mode.
 */
public record DiskDriver(DiskFormat format, Optional<DiskCache> cache, Optional<DiskDiscard> discard,
		Optional<String> io) {

	public DiskDriver(DiskFormat format, Optional<DiskCache> cache, Optional<DiskDiscard> discard) {
		this(format, cache, discard, Optional.empty());
	}

	public static final DiskDriver RAW = new DiskDriver(DiskFormat.RAW, Optional.empty(), Optional.empty());

}
