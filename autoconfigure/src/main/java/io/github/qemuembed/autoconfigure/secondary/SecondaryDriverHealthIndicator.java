package io.github.qemuembed.autoconfigure.secondary;

import io.github.qemuembed.driver.error.QemuEmbedException;
import io.github.qemuembed.driver.secondary.SecondaryDriver;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of one secondary driver: UP when it answers a {@link SecondaryDriver#ping() ping}, DOWN with
 * the driver's error otherwise; the endpoint is a detail either way. The error messages of the
 * drivers name endpoints and keys, never secret values.
 */
class SecondaryDriverHealthIndicator extends AbstractHealthIndicator {

	private final SecondaryDriver driver;

	SecondaryDriverHealthIndicator(SecondaryDriver driver) {
		super("Secondary driver health check failed");
		this.driver = driver;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		builder.withDetail("endpoint", this.driver.endpoint());
		try {
			this.driver.ping();
			builder.up();
		}
		catch (QemuEmbedException ex) {
			builder.down().withDetail("error", ex.getMessage()).withDetail("code", ex.code().name());
		}
	}

}
