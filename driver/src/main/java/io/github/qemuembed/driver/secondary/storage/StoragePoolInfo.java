package io.github.qemuembed.driver.secondary.storage;

import java.nio.file.Path;
import java.util.UUID;

/**
 * A storage pool as the embedded driver reports it.
 *
 * @param name the pool's name
 * @param uuid its UUID
 * @param target the directory holding its volumes
 * @param active whether it is started
 * @param autostart whether it starts when the driver opens
 * @param capacity size of the file system holding the directory, in bytes (0 when
 * inactive)
 * @param available free bytes there (0 when inactive)
 */
public record StoragePoolInfo(String name, UUID uuid, Path target, boolean active, boolean autostart, long capacity,
		long available) {

}
