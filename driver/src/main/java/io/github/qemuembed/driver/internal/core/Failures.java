package io.github.qemuembed.driver.internal.core;

import java.util.concurrent.ExecutionException;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.QemuEmbedException;

/**
 * The failure of a background step (a future, a waiter) as the typed error the caller's
 * operation throws.
 */
final class Failures {

	private Failures() {
	}

	/**
	 * The {@link QemuEmbedException} behind {@code ex} (unwrapping an
	 * {@link ExecutionException}), or {@link ErrorCode#INTERNAL_ERROR} around anything
	 * else, which keeps it as the cause.
	 */
	static QemuEmbedException unwrap(Throwable ex) {
		Throwable cause = (ex instanceof ExecutionException && ex.getCause() != null) ? ex.getCause() : ex;
		if (cause instanceof QemuEmbedException qe) {
			return qe;
		}
		return new QemuEmbedException(ErrorCode.INTERNAL_ERROR, String.valueOf(cause.getMessage()), cause);
	}

}
