package io.github.qemuembed.autoconfigure.secondary;

import java.util.LinkedHashMap;
import java.util.Map;

import io.github.qemuembed.driver.error.AccessDeniedException;
import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.secondary.SecondaryDriver;
import io.github.qemuembed.driver.secondary.storage.EmbeddedStorageDriver;
import io.github.qemuembed.driver.secondary.storage.StoragePoolInfo;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of one secondary driver: UP when it answers a {@link SecondaryDriver#ping()
 * ping}, DOWN with the driver's error otherwise; the endpoint is a detail either way, and
 * the embedded storage driver adds its pools with the size and free space of their file
 * systems. The error messages of the drivers name endpoints and keys, never secret
 * values.
 */
class SecondaryDriverHealthIndicator extends AbstractHealthIndicator {

	private final SecondaryDriver driver;

	private final String property;

	/**
	 * @param kind {@code network}, {@code storage} or {@code secret}: names the property
	 * that configures the driver, which the health shows beside an error
	 */
	SecondaryDriverHealthIndicator(String kind, SecondaryDriver driver) {
		super("Secondary driver health check failed");
		this.driver = driver;
		this.property = "qemu.embed.secondary." + kind;
	}

	/**
	 * Storage usage of each pool the health check's caller may see: the file system of
	 * its directory.
	 */
	private static Map<String, Object> pools(EmbeddedStorageDriver storage) {
		Map<String, Object> pools = new LinkedHashMap<>();
		try {
			for (StoragePoolInfo pool : storage.listPools()) {
				Map<String, Object> view = new LinkedHashMap<>();
				view.put("active", pool.active());
				view.put("path", pool.target().toString());
				view.put("capacityBytes", pool.capacity());
				view.put("availableBytes", pool.available());
				pools.put(pool.name(), view);
			}
		}
		catch (AccessDeniedException ex) {
			// the caller may not list pools: the health says UP without them
		}
		return pools;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("endpoint", this.driver.endpoint());
		try {
			this.driver.ping();
			builder.up();
			if (this.driver instanceof EmbeddedStorageDriver storage) {
				builder.withDetail("pools", pools(storage));
			}
		}
		catch (QemuEmbedException ex) {
			builder.down()
				.withDetail("error", ex.getMessage())
				.withDetail("code", ex.code().name())
				.withDetail("property", this.property);
		}
	}

}
