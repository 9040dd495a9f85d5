package io.github.qemuembed.driver.secondary;

/** Resolves {@code <disk type='volume'>} sources to host paths. */
public interface StorageDriver extends SecondaryDriver {

	/** The host path of a volume in a pool. */
	String volumePath(String pool, String volume);

}
