package io.github.qemuembed.driver.secondary;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;

/**
 * Secret values handed over by the application, e.g. from configuration properties
 * ({@code qemu.embed.secrets.<uuid>.value}, so that Vault or any property source can
 * supply them). Read-only; values are copied in and out, and never printed by
 * {@link #toString()}.
 */
public final class StaticSecretDriver implements SecretDriver {

	private final Map<UUID, byte[]> values;

	private final String endpoint;

	/**
	 * @param values secret values by UUID (copied)
	 * @param endpoint how it is described in health and messages, e.g. {@code properties}
	 */
	public StaticSecretDriver(Map<UUID, byte[]> values, String endpoint) {
		Map<UUID, byte[]> copy = new HashMap<>();
		values.forEach((uuid, value) -> copy.put(uuid, value.clone()));
		this.values = Map.copyOf(copy);
		this.endpoint = endpoint;
	}

	@Override
	public byte[] secretValue(UUID uuid) {
		byte[] value = this.values.get(uuid);
		if (value == null) {
			throw new SecondaryDriverException(ErrorCode.NO_SECRET,
					"no secret with UUID " + uuid + " in " + this.endpoint);
		}
		return value.clone();
	}

	/** The UUIDs it holds (never the values). */
	public Set<UUID> uuids() {
		return this.values.keySet();
	}

	@Override
	public String endpoint() {
		return this.endpoint;
	}

	@Override
	public void ping() {
	}

	/** Overwrites the copies it holds. */
	@Override
	public void close() {
		this.values.values().forEach((value) -> Arrays.fill(value, (byte) 0));
	}

	@Override
	public String toString() {
		return "StaticSecretDriver[" + this.endpoint + ", " + this.values.size() + " secrets]";
	}

}
