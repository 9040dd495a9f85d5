package io.github.qemuembed.driver;

/**
 * I/O counters of one disk since QEMU started, like libvirt's
 * {@code virDomainBlockStats}.
 *
 * @param target the disk's {@code <target dev>} ({@code vda}, {@code sdb}, ...)
 * @param readBytes bytes read by the guest
 * @param writeBytes bytes written by the guest
 * @param readOps read operations
 * @param writeOps write operations
 */
public record BlockStats(String target, long readBytes, long writeBytes, long readOps, long writeOps) {

}
