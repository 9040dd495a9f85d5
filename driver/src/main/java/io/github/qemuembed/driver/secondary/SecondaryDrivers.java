package io.github.qemuembed.driver.secondary;

import java.util.Optional;

/**
 * The secondary drivers a {@link io.github.qemuembed.driver.QemuDriver} may use; each may
 * be absent.
 */
public record SecondaryDrivers(Optional<NetworkDriver> network, Optional<StorageDriver> storage,
		Optional<SecretDriver> secret) {

	public static SecondaryDrivers none() {
		return new SecondaryDrivers(Optional.empty(), Optional.empty(), Optional.empty());
	}

}
