package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/** No domain with the given name or UUID is known to the driver. */
public class DomainNotFoundException extends QemuEmbedException {

	public DomainNotFoundException(String message) {
		super(ErrorCode.NO_DOMAIN, message);
	}

	public DomainNotFoundException(String message, @Nullable Throwable cause) {
		super(ErrorCode.NO_DOMAIN, message, cause);
	}

}
