package io.github.qemuembed.driver.internal.agent;

import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.agent.GuestAgentState;

import java.time.Duration;

import io.github.qemuembed.driver.access.Permission;

/**
 * What a {@link GuestAgent} needs from the domain it belongs to. The driver implements
 * it; applications use {@link io.github.qemuembed.driver.Domain#guest()} and do not
 * implement this themselves.
 */
public interface AgentChannel {

	/**
	 * Asks the access policy for {@code permission} on the domain.
	 * @throws io.github.qemuembed.driver.error.AccessDeniedException if it is refused
	 */
	void check(Permission permission);

	/**
	 * The connection to the agent channel of the running domain, opened on first use and
	 * kept while it runs.
	 * @throws io.github.qemuembed.driver.error.InvalidOperationException if the domain is
	 * not running or has no {@code org.qemu.guest_agent.0} channel (the message says what
	 * to add to the XML)
	 */
	GuestAgentClient client();

	/** The channel's state ({@code VSERPORT_CHANGE}). */
	GuestAgentState state();

	/**
	 * Waits until the guest opens the channel, the domain stops, or {@code timeout}
	 * passes.
	 * @return whether the channel is open
	 * @throws io.github.qemuembed.driver.error.InvalidOperationException if the domain is
	 * not running, or stopped while waiting
	 */
	boolean awaitConnected(Duration timeout);

	/** Names the domain in messages, such as {@code domain 'web'}. */
	String describe();

	/** The agent's operations over this channel, with the default timeout. */
	default GuestAgent agent() {
		return new AgentOperations(this, GuestAgent.DEFAULT_TIMEOUT);
	}

}
