package io.github.qemuembed.autoconfigure;

/**
 * A domain declared under {@code qemu.embed.domains} could not be defined or started. The
 * cause is the driver's error (for XML problems, a
 * {@link io.github.qemuembed.driver.error.ConfigurationException} that names the element
 * path).
 */
public class DeclaredDomainException extends RuntimeException {

	private final String domainName;

	private final String source;

	private final Action action;

	public DeclaredDomainException(String domainName, String source, Action action, RuntimeException cause) {
		super("Declared domain '" + domainName + "' (" + source + ") could not be " + action.pastTense + ": "
				+ cause.getMessage(), cause);
		this.domainName = domainName;
		this.source = source;
		this.action = action;
	}

	/** The name under {@code qemu.embed.domains}. */
	public String getDomainName() {
		return this.domainName;
	}

	/** Where the XML came from: a resource description, or {@code inline-xml}. */
	public String getSource() {
		return this.source;
	}

	public Action getAction() {
		return this.action;
	}

	/** What was being done with the domain. */
	public enum Action {

		DEFINE("defined"), START("started");

		private final String pastTense;

		Action(String pastTense) {
			this.pastTense = pastTense;
		}

		public String pastTense() {
			return this.pastTense;
		}

	}

}
