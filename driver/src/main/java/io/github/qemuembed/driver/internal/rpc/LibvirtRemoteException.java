package io.github.qemuembed.driver.internal.rpc;

import io.github.qemuembed.driver.error.ErrorCode;
import io.github.qemuembed.driver.error.SecondaryDriverException;

/**
 * A libvirt daemon refused a call. Carries libvirt's own error number and domain, and the
 * {@link ErrorCode} with that number ({@link ErrorCode#INTERNAL_ERROR} when this project
 * has no constant for it; {@link #libvirtErrorNumber()} always has the original).
 */
public class LibvirtRemoteException extends SecondaryDriverException {

	private final int libvirtErrorNumber;

	private final int libvirtErrorDomain;

	private final String endpoint;

	public LibvirtRemoteException(String endpoint, RemoteProcedure procedure, RemoteError error) {
		this(endpoint, procedure, error, ErrorCode.ofNumber(error.code()));
	}

	protected LibvirtRemoteException(String endpoint, RemoteProcedure procedure, RemoteError error, ErrorCode code) {
		super(code, describe(endpoint, procedure, error), null);
		this.libvirtErrorNumber = error.code();
		this.libvirtErrorDomain = error.domain();
		this.endpoint = endpoint;
	}

	/** Creates the most specific exception for an error a daemon reported. */
	public static LibvirtRemoteException of(String endpoint, RemoteProcedure procedure, RemoteError error) {
		ErrorCode code = ErrorCode.ofNumber(error.code());
		return switch (code) {
			case NO_NETWORK, NO_STORAGE_POOL, NO_STORAGE_VOL, NO_SECRET, NO_NETWORK_PORT ->
				new LibvirtObjectNotFoundException(endpoint, procedure, error);
			default -> new LibvirtRemoteException(endpoint, procedure, error);
		};
	}

	/** libvirt's {@code virErrorNumber} as the daemon reported it. */
	public int libvirtErrorNumber() {
		return this.libvirtErrorNumber;
	}

	/** libvirt's {@code virErrorDomain} (which part of libvirt raised it). */
	public int libvirtErrorDomain() {
		return this.libvirtErrorDomain;
	}

	/** The endpoint (libvirt URI) of the daemon that refused the call. */
	public String endpoint() {
		return this.endpoint;
	}

	private static String describe(String endpoint, RemoteProcedure procedure, RemoteError error) {
		String message = (error.message() != null) ? error.message() : "error " + error.code();
		return message + " (libvirt error " + error.code() + ", from " + procedure + " at " + endpoint + ")";
	}

}
