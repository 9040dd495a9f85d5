package io.github.qemuembed.driver.error;

/** A secondary driver (network, storage, secret) is not configured, not reachable, or refused a request. */
public class SecondaryDriverException extends QemuEmbedException {

	public SecondaryDriverException(String message) {
		super(ErrorCode.NO_CONNECT, message);
	}

	public SecondaryDriverException(String message, Throwable cause) {
		super(ErrorCode.NO_CONNECT, message, cause);
	}

	/** For subclasses that relay a more precise code, e.g. one a libvirt daemon reported. */
	protected SecondaryDriverException(ErrorCode code, String message, Throwable cause) {
		super(code, message, cause);
	}

}
