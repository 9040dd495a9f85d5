package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot request that cannot be honoured: no such snapshot
 * ({@link ErrorCode#NO_DOMAIN_SNAPSHOT}), or a snapshot that cannot be made, reverted to
 * or deleted as asked, e.g. a name that exists
 * ({@link ErrorCode#INVALID_DOMAIN_SNAPSHOT}).
 */
public class DomainSnapshotException extends QemuEmbedException {

	public DomainSnapshotException(ErrorCode code, String message) {
		super(code, message);
	}

	public DomainSnapshotException(ErrorCode code, String message, @Nullable Throwable cause) {
		super(code, message, cause);
	}

}
