package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * A domain with that name or UUID already exists (and the operation would clash with it).
 */
public class DomainExistsException extends QemuEmbedException {

	public DomainExistsException(String message) {
		super(ErrorCode.DOM_EXIST, message);
	}

	public DomainExistsException(String message, @Nullable Throwable cause) {
		super(ErrorCode.DOM_EXIST, message, cause);
	}

}
