package io.github.qemuembed.driver.agent;

/**
 * The state of a domain's guest agent channel, as QEMU reports it
 * ({@code VSERPORT_CHANGE}): whether a program in the guest (normally {@code qemu-ga})
 * has the {@code org.qemu.guest_agent.0} port open. libvirt shows the same as
 * {@code <target ... state='connected'/>} of the channel.
 */
public enum GuestAgentState {

	/** The domain has no {@code org.qemu.guest_agent.0} channel. */
	NONE,

	/** The guest has the channel open: an agent is (very likely) listening. */
	CONNECTED,

	/**
	 * The guest has not opened the channel (yet), closed it, or the domain is not
	 * running. Also the state of a domain adopted from an earlier driver until the guest
	 * opens or closes the channel again.
	 */
	DISCONNECTED

}
