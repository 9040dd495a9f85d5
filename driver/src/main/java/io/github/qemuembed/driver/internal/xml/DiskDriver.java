package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <driver name='qemu' type cache discard io iothread/>} of a disk; {@code io} is
 * QEMU's {@code aio} mode, {@code iothread} the id of the {@code <iothreads>} thread that
 * runs a virtio disk's I/O.
 */
public record DiskDriver(DiskFormat format, Optional<DiskCache> cache, Optional<DiskDiscard> discard,
		Optional<String> io, Optional<Integer> iothread) {

	public DiskDriver(DiskFormat format, Optional<DiskCache> cache, Optional<DiskDiscard> discard,
			Optional<String> io) {
		this(format, cache, discard, io, Optional.empty());
	}

	public DiskDriver(DiskFormat format, Optional<DiskCache> cache, Optional<DiskDiscard> discard) {
		this(format, cache, discard, Optional.empty());
	}

	public static final DiskDriver RAW = new DiskDriver(DiskFormat.RAW, Optional.empty(), Optional.empty());

}
