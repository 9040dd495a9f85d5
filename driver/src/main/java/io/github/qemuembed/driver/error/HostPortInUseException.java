package io.github.qemuembed.driver.error;

/**
 * A host port that a {@code <portForward>} asks for is taken by another process, so the
 * domain cannot start: the message names the port, the protocol, the address and the
 * element to change.
 */
public class HostPortInUseException extends ConfigurationException {

	private final String protocol;

	private final int port;

	public HostPortInUseException(String path, String protocol, String address, int port) {
		super(ErrorCode.RESOURCE_BUSY, path,
				"host " + protocol + " port " + port + " on " + (address.isEmpty() ? "every address" : address)
						+ " is already in use by another process; free it, "
						+ "choose another port in <range start>, or give start='0' to let the driver choose a free one",
				null);
		this.protocol = protocol;
		this.port = port;
	}

	/** {@code tcp} or {@code udp}. */
	public String protocol() {
		return this.protocol;
	}

	public int port() {
		return this.port;
	}

}
