package io.github.qemuembed.driver.agent;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The QEMU guest agent ({@code qemu-ga}) of one domain, reached over its
 * {@code org.qemu.guest_agent.0} virtio-serial channel: <pre>{@code
 * <channel type='unix'>
 *   <target type='virtio' name='org.qemu.guest_agent.0'/>
 * </channel>
 * }</pre> Every call is checked against the access policy with the permission libvirt
 * uses for the same thing (named on each method), and bounded by {@link #timeout()}. When
 * no agent answers in time, calls fail with
 * {@link io.github.qemuembed.driver.error.GuestAgentUnresponsiveException}; an error the
 * agent reports fails them with
 * {@link io.github.qemuembed.driver.error.GuestAgentException} carrying the agent's
 * message. Calls on one domain's agent run one at a time. See
 * {@code docs/guest-agent.md}.
 */
public interface GuestAgent {

	/** The timeout of a call when none is set with {@link #withTimeout}. */
	Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * How long each agent call may take (a call is one request and its reply; a copy
	 * makes many).
	 */
	Duration timeout();

	/** The same agent with another per-call timeout. */
	GuestAgent withTimeout(Duration timeout);

	/**
	 * The channel's state, from QEMU's {@code VSERPORT_CHANGE} events
	 * ({@code domain.read}).
	 */
	GuestAgentState state();

	/**
	 * Waits until the agent answers: first for the guest to open the channel, then for a
	 * reply to a resynchronisation ({@code domain.write}). For use right after start,
	 * while the guest boots.
	 * @throws io.github.qemuembed.driver.error.GuestAgentUnresponsiveException if no
	 * agent answered within {@code timeout}, or the domain stopped
	 */
	void awaitReady(Duration timeout);

	/**
	 * {@code guest-ping} ({@code domain.write}, as libvirt's {@code qemu-agent-command}).
	 */
	void ping();

	/**
	 * Runs a command in the guest ({@code guest-exec}) and waits for it to end, polling
	 * {@code guest-exec-status}; when {@link GuestExec#timeout()} passes first, kills it
	 * with SIGKILL through the agent ({@code /bin/sh -c 'kill -KILL PID'}) and throws
	 * ({@code domain.write}).
	 * @throws io.github.qemuembed.driver.error.GuestExecTimeoutException if it ran longer
	 * than its timeout
	 */
	GuestExecResult exec(GuestExec command);

	/**
	 * Copies a host file into the guest, creating or truncating {@code guestPath}, in
	 * chunks ({@code guest-file-open/write/close}; {@code domain.write}).
	 * @return the number of bytes copied
	 */
	long copyIn(Path hostFile, String guestPath);

	/** Like {@link #copyIn(Path, String)} from a stream, read to its end (not closed). */
	long copyIn(InputStream source, String guestPath);

	/**
	 * Copies a guest file to the host, in chunks ({@code guest-file-open/read/close};
	 * {@code domain.write}). The host file is written under a temporary name and renamed
	 * into place, so a failed copy leaves nothing behind.
	 * @return the number of bytes copied
	 */
	long copyOut(String guestPath, Path hostFile);

	/** Like {@link #copyOut(String, Path)} into a stream (not closed). */
	long copyOut(String guestPath, OutputStream target);

	/**
	 * The guest's network interfaces and addresses ({@code guest-network-get-interfaces};
	 * {@code domain.read}).
	 */
	List<GuestNetworkInterface> networkInterfaces();

	/**
	 * The guest's operating system ({@code guest-get-osinfo}; {@code domain.write}, as
	 * libvirt's guest info).
	 */
	GuestOsInfo osInfo();

	/**
	 * Freezes the guest's file systems ({@code guest-fsfreeze-freeze};
	 * {@code domain.fs_freeze}). While frozen, the agent refuses most other commands;
	 * thaw soon.
	 * @return the number of file systems frozen
	 */
	int fsFreeze();

	/**
	 * Thaws them ({@code guest-fsfreeze-thaw}; {@code domain.fs_freeze}); returns how
	 * many were thawed.
	 */
	int fsThaw();

	/**
	 * Whether they are frozen ({@code guest-fsfreeze-status}; {@code domain.fs_freeze}).
	 */
	FsFreezeState fsFreezeState();

}
