package io.github.qemuembed.driver.secondary;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.error.SecondaryDriverException;

/**
 * Asks several secret drivers in order and answers with the first that has the secret,
 * e.g. values from configuration first, then the embedded or remote driver. "No such
 * secret" ({@link ErrorCode#NO_SECRET}) moves on to the next driver; any other error
 * (unreachable daemon, private secret) is reported at once, since the secret may well be
 * there.
 */
public final class ChainedSecretDriver implements SecretDriver {

	private final List<SecretDriver> drivers;

	public ChainedSecretDriver(List<SecretDriver> drivers) {
		if (drivers.isEmpty()) {
			throw new IllegalArgumentException("At least one secret driver is required");
		}
		this.drivers = List.copyOf(drivers);
	}

	public List<SecretDriver> drivers() {
		return this.drivers;
	}

	@Override
	public byte[] secretValue(UUID uuid) {
		for (SecretDriver driver : this.drivers) {
			try {
				return driver.secretValue(uuid);
			}
			catch (QemuEmbedException ex) {
				if (ex.code() != ErrorCode.NO_SECRET) {
					throw ex;
				}
			}
		}
		throw new SecondaryDriverException(ErrorCode.NO_SECRET,
				"no secret with UUID " + uuid + " in any of " + endpoint());
	}

	/** The endpoints joined: {@code properties, embedded}. */
	@Override
	public String endpoint() {
		return this.drivers.stream().map(SecondaryDriver::endpoint).collect(Collectors.joining(", "));
	}

	/** Pings each driver; the first failure is reported. */
	@Override
	public void ping() {
		this.drivers.forEach(SecondaryDriver::ping);
	}

	@Override
	public void close() {
		this.drivers.forEach(SecondaryDriver::close);
	}

}
