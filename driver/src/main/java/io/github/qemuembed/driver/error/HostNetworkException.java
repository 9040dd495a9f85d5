package io.github.qemuembed.driver.error;

/**
 * The host side of a NIC could not be set up: a bridge that does not exist or is not a
 * bridge, a tap that cannot be created. The message names the host interface and the
 * element that asks for it; nothing is left behind.
 */
public class HostNetworkException extends QemuEmbedException {

	private final String hostInterface;

	public HostNetworkException(String hostInterface, String message) {
		super(ErrorCode.SYSTEM_ERROR, message);
		this.hostInterface = hostInterface;
	}

	/** The host interface (bridge or tap) concerned. */
	public String hostInterface() {
		return this.hostInterface;
	}

}
