package io.github.qemuembed.autoconfigure.event;

import io.github.qemuembed.driver.QemuDriver;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the context starts and a declared domain's XML differs from the one its
 * existing domain (defined earlier, or still running from an earlier run) was defined
 * from; says what was done about it, as {@code qemu.embed.domains.NAME.on-change} asked.
 * The source is the {@link QemuDriver}.
 */
public class DeclaredDomainChangedEvent extends ApplicationEvent {

	/** What was done about the change. */
	public enum Outcome {

		/** Nothing: the existing definition stays ({@code on-change: keep}). */
		KEPT,
		/**
		 * The declared XML was defined; a running VM keeps its old definition until its
		 * next start.
		 */
		REDEFINED,
		/**
		 * The declared XML was defined and the running VM was stopped and started again
		 * on it.
		 */
		RESTARTED

	}

	private final String domainName;

	private final boolean wasRunning;

	private final Outcome outcome;

	public DeclaredDomainChangedEvent(QemuDriver driver, String domainName, boolean wasRunning, Outcome outcome) {
		super(driver);
		this.domainName = domainName;
		this.wasRunning = wasRunning;
		this.outcome = outcome;
	}

	public String getDomainName() {
		return this.domainName;
	}

	/** Whether the domain was running when the change was found. */
	public boolean wasRunning() {
		return this.wasRunning;
	}

	public Outcome getOutcome() {
		return this.outcome;
	}

	@Override
	public String toString() {
		return "DeclaredDomainChangedEvent[" + this.domainName + ", " + this.outcome + ", wasRunning=" + this.wasRunning
				+ "]";
	}

}
