package io.github.qemuembed.driver.error;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * The embedded storage driver refused or failed a request. {@link #problem()} says which
 * way, so that callers can react without parsing the message; {@link #code()} is
 * libvirt's number for it.
 */
public class StorageException extends SecondaryDriverException {

	/** What went wrong, each with libvirt's error number. */
	public enum Problem {

		/** No pool of that name. */
		POOL_NOT_FOUND(ErrorCode.NO_STORAGE_POOL),
		/** A pool of that name (or UUID) exists already. */
		POOL_EXISTS(ErrorCode.OPERATION_INVALID),
		/** The pool must be started (or stopped) first. */
		POOL_STATE(ErrorCode.OPERATION_INVALID),
		/** No volume of that name in the pool. */
		VOLUME_NOT_FOUND(ErrorCode.NO_STORAGE_VOL),
		/** A volume of that name exists already (or is being created). */
		VOLUME_EXISTS(ErrorCode.STORAGE_VOL_EXIST),
		/**
		 * A pool or volume name that is not a plain file name (e.g. contains {@code /} or
		 * {@code ..}).
		 */
		INVALID_NAME(ErrorCode.INVALID_ARG),
		/**
		 * A request that makes no sense as given (a negative capacity, an unknown format,
		 * a shrink...).
		 */
		INVALID_REQUEST(ErrorCode.INVALID_ARG),
		/** The base image of an overlay does not exist. */
		BASE_MISSING(ErrorCode.NO_STORAGE_VOL),
		/** The imported data does not have the expected SHA-256. */
		CHECKSUM_MISMATCH(ErrorCode.OPERATION_FAILED),
		/** The pool's file system is full. */
		NO_SPACE(ErrorCode.SYSTEM_ERROR),
		/** A running domain has the volume open. */
		VOLUME_IN_USE(ErrorCode.RESOURCE_BUSY),
		/**
		 * An import could not read its source (missing file, HTTP error, connection
		 * lost...).
		 */
		IMPORT_FAILED(ErrorCode.OPERATION_FAILED),
		/**
		 * The image is not one the driver accepts (unknown format, a backing file of its
		 * own...).
		 */
		UNSUPPORTED_IMAGE(ErrorCode.CONFIG_UNSUPPORTED),
		/** {@code qemu-img} or the file system failed for another reason. */
		OPERATION_FAILED(ErrorCode.OPERATION_FAILED);

		private final ErrorCode code;

		Problem(ErrorCode code) {
			this.code = code;
		}

		public ErrorCode code() {
			return this.code;
		}

	}

	private final Problem problem;

	public StorageException(Problem problem, String message) {
		this(problem, message, null);
	}

	public StorageException(Problem problem, String message, @Nullable Throwable cause) {
		super(Objects.requireNonNull(problem, "problem").code(), message, cause);
		this.problem = problem;
	}

	public Problem problem() {
		return this.problem;
	}

}
