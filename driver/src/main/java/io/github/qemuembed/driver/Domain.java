package io.github.qemuembed.driver;

import java.time.Duration;
import java.util.UUID;

/**
 * A handle on one domain. Operations on one domain are serialized; each is checked against the
 * access policy with the permission named in its documentation. A handle stays valid after the
 * domain stops; after {@link #undefine()} of an inactive domain its methods throw
 * {@link io.github.qemuembed.driver.error.DomainNotFoundException}.
 */
public interface Domain {

	/** The domain's name ({@code domain.getattr}). */
	String name();

	/** The domain's UUID ({@code domain.getattr}). */
	UUID uuid();

	/** Starts QEMU and runs the guest ({@code domain.start}). */
	void start();

	/**
	 * Asks the guest to power off (ACPI power button) and waits up to {@code timeout} for QEMU to
	 * exit; then stops it by force ({@code domain.init_control}, and {@code domain.stop} for the force).
	 * @return {@code true} if the guest powered off by itself, {@code false} if it had to be forced
	 */
	boolean shutdown(Duration timeout);

	/**
	 * Like {@link #shutdown(Duration)}, asking the guest the way {@code mode} says. With
	 * {@link ShutdownMode#GUEST_AGENT} it also needs {@code domain.write} (as libvirt), and fails with
	 * {@link io.github.qemuembed.driver.error.GuestAgentException} (nothing forced) when the agent does not answer
	 * or refuses.
	 * @return {@code true} if the guest powered off by itself, {@code false} if it had to be forced
	 */
	boolean shutdown(ShutdownMode mode, Duration timeout);

	/** Stops QEMU now: SIGTERM, a short grace period, then SIGKILL ({@code domain.stop}). */
	void destroy();

	/** Asks the guest to reboot (ACPI, then QMP {@code system_reset} under {@code on_reboot}) ({@code domain.init_control}). */
	void reboot();

	/** Hard reset, like pressing the reset button ({@code domain.reset}). */
	void reset();

	/** Pauses the vCPUs ({@code domain.suspend}). */
	void suspend();

	/** Resumes paused vCPUs ({@code domain.suspend}). */
	void resume();

	/** Removes the persistent definition; a running domain becomes transient ({@code domain.delete}). */
	void undefine();

	/** State and reason ({@code domain.read}). */
	DomainStatus status();

	/** Runtime facts ({@code domain.read}). */
	DomainInfo info();

	/**
	 * I/O counters of each disk of the running domain, from QMP {@code query-blockstats} ({@code domain.read}).
	 * Not serialized behind long operations such as a pending {@code shutdown}; bounded by the QMP timeout.
	 */
	java.util.List<BlockStats> blockStats();

	/** Whether the domain has a persistent definition ({@code domain.read}). */
	boolean isPersistent();

	/**
	 * The domain XML; with {@code secure} it includes secret values such as VNC passwords
	 * ({@code domain.read}, and {@code domain.read_secure} when {@code secure}).
	 */
	String xml(boolean secure);

	/**
	 * Sends a raw QMP command (a JSON object with {@code execute} and optional {@code arguments}) to the
	 * running QEMU and returns the {@code return} value as JSON ({@code domain.write}, like libvirt's
	 * {@code qemu-monitor-command}).
	 */
	String qmp(String commandJson);

	/** Opens the live serial console of a running domain ({@code domain.open_device}). */
	DomainConsole openConsole();

	/**
	 * The guest agent of this domain, over its {@code org.qemu.guest_agent.0} channel; each of its calls is
	 * checked with its own permission (see {@link io.github.qemuembed.driver.agent.GuestAgent}).
	 */
	io.github.qemuembed.driver.agent.GuestAgent guest();

}
