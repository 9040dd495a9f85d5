package io.github.qemuembed.driver.secondary;

import java.util.Optional;

/**
 * A storage volume as its driver describes it.
 *
 * @param pool the pool's name
 * @param name the volume's name
 * @param path its path on the host
 * @param format {@code <target><format type='…'/>}: {@code raw}, {@code qcow2}...; empty
 * when unknown
 * @param capacity logical size in bytes, when known
 */
public record StorageVolume(String pool, String name, String path, Optional<String> format, Optional<Long> capacity) {

}
