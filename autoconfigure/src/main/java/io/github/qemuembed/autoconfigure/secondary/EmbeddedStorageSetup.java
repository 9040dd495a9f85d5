package io.github.qemuembed.autoconfigure.secondary;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import io.github.qemuembed.autoconfigure.secondary.QemuEmbedStorageProperties.Pool;
import io.github.qemuembed.autoconfigure.secondary.QemuEmbedStorageProperties.Volume;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.secondary.StorageDriver;
import io.github.qemuembed.driver.secondary.StorageVolume;
import io.github.qemuembed.driver.secondary.storage.EmbeddedStorageDriver;
import io.github.qemuembed.driver.secondary.storage.ImportRequest;
import io.github.qemuembed.driver.secondary.storage.StoragePoolInfo;
import io.github.qemuembed.driver.secondary.storage.VolumeFormat;
import io.github.qemuembed.driver.internal.xml.SecureXml;

/**
 * Makes {@code qemu.embed.storage} true in the embedded storage driver. A volume that
 * exists is kept as it is (it was checked when it was imported), so a restart does not
 * download again.
 */
final class EmbeddedStorageSetup {

	private static final System.Logger logger = System.getLogger(EmbeddedStorageSetup.class.getName());

	private EmbeddedStorageSetup() {
	}

	static void apply(QemuEmbedStorageProperties properties, Optional<StorageDriver> driver) {
		if (properties.getPools().isEmpty()) {
			return;
		}
		if (driver.isEmpty() || !(driver.get() instanceof EmbeddedStorageDriver storage)) {
			throw new InvalidStoragePropertyException("qemu.embed.storage.pools",
					"pools are made in the embedded " + "storage driver, and the storage driver is "
							+ driver.map((d) -> "'" + d.endpoint() + "'").orElse("not configured")
							+ ": set qemu.embed.secondary.storage=embedded",
					null);
		}
		for (Map.Entry<String, Pool> entry : properties.getPools().entrySet()) {
			pool(storage, entry.getKey(), entry.getValue());
		}
	}

	private static void pool(EmbeddedStorageDriver storage, String name, Pool pool) {
		String key = "qemu.embed.storage.pools." + name;
		try {
			Optional<StoragePoolInfo> existing = storage.listPools()
				.stream()
				.filter((p) -> p.name().equals(name))
				.findFirst();
			if (existing.isEmpty()) {
				storage.definePool("<pool type='dir'><name>" + SecureXml.escape(name) + "</name>"
						+ ((pool.getPath() != null)
								? "<target><path>" + SecureXml.escape(pool.getPath()) + "</path></target>" : "")
						+ "</pool>");
			}
			else if (pool.getPath() != null && !existing.get().target().equals(Path.of(pool.getPath()).normalize())) {
				throw new InvalidStoragePropertyException(key + ".path", "pool '" + name + "' already lives in "
						+ existing.get().target() + ": keep that path, or undefine the pool first", null);
			}
			if (!storage.pool(name).active()) {
				storage.startPool(name);
			}
			storage.setAutostart(name, true);
		}
		catch (QemuEmbedException ex) {
			throw new InvalidStoragePropertyException(key, ex.getMessage(), ex);
		}
		for (Map.Entry<String, Volume> entry : pool.getVolumes().entrySet()) {
			volume(storage, name, entry.getKey(), entry.getValue());
		}
	}

	private static void volume(EmbeddedStorageDriver storage, String pool, String name, Volume volume) {
		String key = "qemu.embed.storage.pools." + pool + ".volumes[" + name + "]";
		if (volume.getSource() == null || volume.getSource().isBlank()) {
			throw new InvalidStoragePropertyException(key + ".source", "missing: give a file path or an http(s) URL",
					null);
		}
		try {
			boolean exists = storage.listVolumes(pool).stream().map(StorageVolume::name).anyMatch(name::equals);
			if (exists) {
				logger.log(Level.INFO, "Volume " + pool + "/" + name + " exists: kept, not imported again");
				return;
			}
			Optional<VolumeFormat> format = Optional.ofNullable(volume.getFormat()).map(VolumeFormat::of);
			storage.importVolume(
					new ImportRequest(pool, name, volume.getSource(), Optional.ofNullable(volume.getSha256()), format),
					(label, copied, total) -> {
						// the driver logs every tenth; nothing more to do here
					});
		}
		catch (QemuEmbedException ex) {
			throw new InvalidStoragePropertyException(key, ex.getMessage(), ex);
		}
	}

}
