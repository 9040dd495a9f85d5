package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * A secondary driver (network, storage, secret) is not configured, not reachable, or
 * refused a request.
 */
public class SecondaryDriverException extends QemuEmbedException {

	public SecondaryDriverException(String message) {
		super(ErrorCode.NO_CONNECT, message);
	}

	public SecondaryDriverException(String message, @Nullable Throwable cause) {
		super(ErrorCode.NO_CONNECT, message, cause);
	}

	/**
	 * With a more precise code than {@link ErrorCode#NO_CONNECT}, e.g. one a libvirt
	 * daemon reported.
	 */
	public SecondaryDriverException(ErrorCode code, String message) {
		super(code, message);
	}

	/**
	 * With a more precise code than {@link ErrorCode#NO_CONNECT}, e.g. one a libvirt
	 * daemon reported.
	 */
	public SecondaryDriverException(ErrorCode code, String message, @Nullable Throwable cause) {
		super(code, message, cause);
	}

}
