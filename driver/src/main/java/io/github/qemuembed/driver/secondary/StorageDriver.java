package io.github.qemuembed.driver.secondary;

import java.util.Optional;

/** Resolves {@code <disk type='volume'>} sources to host paths. */
public interface StorageDriver extends SecondaryDriver {

	/** The host path of a volume in a pool. */
	String volumePath(String pool, String volume);

	/** Path, format and size of a volume. The default knows only the path. */
	default StorageVolume describeVolume(String pool, String volume) {
		return new StorageVolume(pool, volume, volumePath(pool, volume), Optional.empty(), Optional.empty());
	}

	/** The volume's format ({@code raw}, {@code qcow2}...) when the driver knows it. */
	default Optional<String> volumeFormat(String pool, String volume) {
		return describeVolume(pool, volume).format();
	}

}
