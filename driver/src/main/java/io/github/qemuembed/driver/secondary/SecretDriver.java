package io.github.qemuembed.driver.secondary;

import java.util.UUID;

/**
 * Supplies secret values (e.g. LUKS passphrases) by UUID. Values never reach logs or
 * argv.
 */
public interface SecretDriver extends SecondaryDriver {

	/** The secret's value, for the driver's own use (also for secrets marked private). */
	byte[] secretValue(UUID uuid);

}
