package io.github.qemuembed.driver.error;

import io.github.qemuembed.driver.access.AccessRequest;

/**
 * The access policy refused an operation. The message names the permission and the
 * object.
 */
public class AccessDeniedException extends QemuEmbedException {

	private final transient AccessRequest request;

	public AccessDeniedException(AccessRequest request) {
		super(ErrorCode.ACCESS_DENIED,
				"Access denied: " + request.describe() + "; grant this permission in the access policy");
		this.request = request;
	}

	public AccessRequest request() {
		return this.request;
	}

}
