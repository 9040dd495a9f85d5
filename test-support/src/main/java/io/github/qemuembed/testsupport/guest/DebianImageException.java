package io.github.qemuembed.testsupport.guest;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.QemuEmbedException;

/**
 * The Debian guest image cannot be built: a tool is missing
 * ({@link ErrorCode#NO_SUPPORT}), the mirror cannot be reached
 * ({@link ErrorCode#NO_CONNECT}), the build needs root
 * ({@link ErrorCode#OPERATION_DENIED}) or a step failed
 * ({@link ErrorCode#OPERATION_FAILED}, with the tail of its output). The message says
 * what to install or set.
 */
public class DebianImageException extends QemuEmbedException {

	public DebianImageException(ErrorCode code, String message) {
		super(code, message);
	}

	public DebianImageException(ErrorCode code, String message, Throwable cause) {
		super(code, message, cause);
	}

}
