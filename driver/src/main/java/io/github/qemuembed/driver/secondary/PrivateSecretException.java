package io.github.qemuembed.driver.secondary;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;

/**
 * A secret marked {@code private='yes'} was asked for through a public API. Like libvirt,
 * the drivers hand private values only to their own internal users (a domain's disk
 * encryption), never back to callers. Code {@link ErrorCode#INVALID_SECRET}, libvirt's
 * number for "secret is private".
 */
public class PrivateSecretException extends SecondaryDriverException {

	public PrivateSecretException(String message, Throwable cause) {
		super(ErrorCode.INVALID_SECRET, message, cause);
	}

}
