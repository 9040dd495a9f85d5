package io.github.qemuembed.driver.internal.xml;

/**
 * One image below a disk's source in a {@code <backingStore>} chain, from the disk
 * outwards.
 *
 * @param type {@code file} or {@code block}
 * @param path the image file or block device
 * @param format its format ({@code <format type>})
 */
public record BackingImage(DiskType type, String path, DiskFormat format) {
}
