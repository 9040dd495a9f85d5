package io.github.qemuembed.driver.internal.xml;

import java.util.Optional;

/**
 * {@code <memoryBacking><hugepages/><source type='anonymous|memfd'/><access mode=
 * 'shared|private'/></memoryBacking>}: what holds the guest's RAM. Shared memfd memory is
 * what vhost-user devices (virtiofs) need.
 *
 * @param source {@code anonymous} (QEMU's default) or {@code memfd}
 * @param shared whether the RAM is mapped shared ({@code access mode='shared'})
 * @param hugepages whether the RAM is in the host's huge pages ({@code <hugepages>})
 * @param hugepageKiB the page size asked for ({@code <page size>}); empty means the
 * host's default size
 */
public record MemoryBacking(String source, boolean shared, boolean hugepages, Optional<Long> hugepageKiB) {

	public MemoryBacking(String source, boolean shared) {
		this(source, shared, false, Optional.empty());
	}

}
