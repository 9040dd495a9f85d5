package io.github.qemuembed.driver.xml;

/**
 * {@code <memoryBacking><source type='anonymous|memfd'/><access mode='shared|private'/></memoryBacking>}: what
 * holds the guest's RAM. Shared memfd memory is what vhost-user devices (virtiofs) need.
 *
 * @param source {@code anonymous} (QEMU's default) or {@code memfd}
 * @param shared whether the RAM is mapped shared ({@code access mode='shared'})
 */
public record MemoryBacking(String source, boolean shared) {
}
