package io.github.qemuembed.autoconfigure.observation;

/**
 * The context of a {@link QemuObservationDocumentation#REMOTE_CALL call to a libvirt
 * daemon}.
 */
public class RemoteCallContext extends QemuObservationContext {

	private final String role;

	private final String endpoint;

	private final String procedure;

	public RemoteCallContext(String role, String endpoint, String procedure) {
		this.role = role;
		this.endpoint = endpoint;
		this.procedure = procedure;
	}

	/**
	 * What the client is for: {@code network driver}, {@code storage driver},
	 * {@code secret driver}.
	 */
	public String getRole() {
		return this.role;
	}

	/** The daemon's libvirt URI. */
	public String getEndpoint() {
		return this.endpoint;
	}

	/** The remote procedure ({@code CONNECT_OPEN}, ...). */
	public String getProcedure() {
		return this.procedure;
	}

}
