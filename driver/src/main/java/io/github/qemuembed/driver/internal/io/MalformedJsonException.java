package io.github.qemuembed.driver.internal.io;

import java.io.IOException;

/**
 * Text that is not the JSON {@link JsonValues} expected; the message says where.
 */
public final class MalformedJsonException extends IOException {

	private static final long serialVersionUID = 1L;

	MalformedJsonException(String message) {
		super(message);
	}

}
