package io.github.qemuembed.autoconfigure.observation;

/** The context of a {@link QemuObservationDocumentation#QMP_COMMAND QMP command}. */
public class QmpCommandContext extends QemuObservationContext {

	private final String domain;

	private final String command;

	public QmpCommandContext(String domain, String command) {
		this.domain = domain;
		this.command = command;
	}

	/** The domain whose monitor it is. */
	public String getDomain() {
		return this.domain;
	}

	/** The command's name (never its arguments, which may hold secrets). */
	public String getCommand() {
		return this.command;
	}

}
