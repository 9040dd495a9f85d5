package io.github.qemuembed.driver.internal.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.agent.FsFreezeState;
import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.agent.GuestAgentState;
import io.github.qemuembed.driver.agent.GuestExec;
import io.github.qemuembed.driver.agent.GuestExecResult;
import io.github.qemuembed.driver.agent.GuestNetworkInterface;
import io.github.qemuembed.driver.agent.GuestOsInfo;
import io.github.qemuembed.driver.error.GuestAgentProtocolException;
import io.github.qemuembed.driver.error.GuestAgentUnresponsiveException;
import io.github.qemuembed.driver.error.HostIoException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link GuestAgent} over an {@link AgentChannel}: the access check, then the agent
 * command(s). A failure to get an answer is reported with the domain's name and the
 * channel's state, which usually tells why.
 */
final class AgentOperations implements GuestAgent {

	private final AgentChannel channel;

	private final Duration timeout;

	AgentOperations(AgentChannel channel, Duration timeout) {
		this.channel = Objects.requireNonNull(channel, "channel");
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("the guest agent timeout must be positive, not " + timeout);
		}
		this.timeout = timeout;
	}

	@Override
	public Duration timeout() {
		return this.timeout;
	}

	@Override
	public GuestAgent withTimeout(Duration timeout) {
		return new AgentOperations(this.channel, timeout);
	}

	@Override
	public GuestAgentState state() {
		this.channel.check(Permission.DOMAIN_READ);
		return this.channel.state();
	}

	@Override
	public void awaitReady(Duration timeout) {
		this.channel.check(Permission.DOMAIN_WRITE);
		long deadline = System.nanoTime() + timeout.toNanos();
		if (!this.channel.awaitConnected(timeout)) {
			throw new GuestAgentUnresponsiveException("the guest of " + this.channel.describe()
					+ " did not open the guest agent channel within " + timeout.toMillis() + " ms (channel "
					+ describeState() + "): is qemu-guest-agent installed and started in the guest?");
		}
		Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofMillis(1).toNanos()));
		run((client) -> {
			client.sync(left);
			return null;
		});
	}

	@Override
	public void ping() {
		this.channel.check(Permission.DOMAIN_WRITE);
		call("guest-ping", null);
	}

	@Override
	public GuestExecResult exec(GuestExec command) {
		Objects.requireNonNull(command, "command");
		this.channel.check(Permission.DOMAIN_WRITE);
		return run((client) -> new ExecRunner(client, this.timeout, this.channel.describe()).run(command));
	}

	@Override
	public long copyIn(Path hostFile, String guestPath) {
		Objects.requireNonNull(hostFile, "hostFile");
		this.channel.check(Permission.DOMAIN_WRITE);
		try (InputStream in = Files.newInputStream(hostFile)) {
			return run((client) -> new FileTransfer(client, this.timeout).copyIn(in, guestPath));
		}
		catch (IOException ex) {
			throw new HostIoException(
					"Cannot read " + hostFile + " to copy it into the guest; check that it exists and is readable", ex);
		}
	}

	@Override
	public long copyIn(InputStream source, String guestPath) {
		Objects.requireNonNull(source, "source");
		this.channel.check(Permission.DOMAIN_WRITE);
		return run((client) -> new FileTransfer(client, this.timeout).copyIn(source, guestPath));
	}

	@Override
	public long copyOut(String guestPath, Path hostFile) {
		Objects.requireNonNull(hostFile, "hostFile");
		this.channel.check(Permission.DOMAIN_WRITE);
		Path absolute = hostFile.toAbsolutePath();
		Path temporary;
		try {
			temporary = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".part");
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot create a file next to " + absolute
					+ " to copy into; check that its directory exists and is writable", ex);
		}
		boolean done = false;
		try {
			long copied;
			try (OutputStream out = Files.newOutputStream(temporary)) {
				copied = run((client) -> new FileTransfer(client, this.timeout).copyOut(guestPath, out));
			}
			Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			done = true;
			return copied;
		}
		catch (IOException ex) {
			throw new HostIoException("Cannot write " + absolute
					+ " while copying it out of the guest; check the space left on its file system", ex);
		}
		finally {
			if (!done) {
				try {
					Files.deleteIfExists(temporary);
				}
				catch (IOException ex) {
					// nothing more to do: the name ends in .part
				}
			}
		}
	}

	@Override
	public long copyOut(String guestPath, OutputStream target) {
		Objects.requireNonNull(target, "target");
		this.channel.check(Permission.DOMAIN_WRITE);
		return run((client) -> new FileTransfer(client, this.timeout).copyOut(guestPath, target));
	}

	@Override
	public List<GuestNetworkInterface> networkInterfaces() {
		this.channel.check(Permission.DOMAIN_READ);
		JsonNode reply = call("guest-network-get-interfaces", null);
		if (!reply.isArray()) {
			throw new GuestAgentProtocolException("guest-network-get-interfaces did not return a list");
		}
		List<GuestNetworkInterface> interfaces = new ArrayList<>();
		for (JsonNode nic : reply) {
			List<GuestNetworkInterface.IpAddress> addresses = new ArrayList<>();
			for (JsonNode address : nic.path("ip-addresses")) {
				addresses.add(new GuestNetworkInterface.IpAddress(address.path("ip-address-type").asString(""),
						address.path("ip-address").asString(""), address.path("prefix").asInt(0)));
			}
			interfaces.add(
					new GuestNetworkInterface(nic.path("name").asString(""), text(nic, "hardware-address"), addresses));
		}
		return List.copyOf(interfaces);
	}

	@Override
	public GuestOsInfo osInfo() {
		this.channel.check(Permission.DOMAIN_WRITE);
		JsonNode reply = call("guest-get-osinfo", null);
		return new GuestOsInfo(text(reply, "id"), text(reply, "name"), text(reply, "pretty-name"),
				text(reply, "version"), text(reply, "version-id"), text(reply, "kernel-release"),
				text(reply, "kernel-version"), text(reply, "machine"));
	}

	@Override
	public int fsFreeze() {
		this.channel.check(Permission.DOMAIN_FS_FREEZE);
		return call("guest-fsfreeze-freeze", null).asInt();
	}

	@Override
	public int fsThaw() {
		this.channel.check(Permission.DOMAIN_FS_FREEZE);
		return call("guest-fsfreeze-thaw", null).asInt();
	}

	@Override
	public FsFreezeState fsFreezeState() {
		this.channel.check(Permission.DOMAIN_FS_FREEZE);
		String status = call("guest-fsfreeze-status", null).asString("");
		return switch (status) {
			case "frozen" -> FsFreezeState.FROZEN;
			case "thawed" -> FsFreezeState.THAWED;
			default -> throw new GuestAgentProtocolException(
					"guest-fsfreeze-status returned '" + status + "', neither 'frozen' nor 'thawed'");
		};
	}

	@Override
	public String toString() {
		return "GuestAgent[" + this.channel.describe() + ", timeout " + this.timeout + "]";
	}

	private JsonNode call(String command, ObjectNode arguments) {
		return run((client) -> client.call(command, arguments, this.timeout));
	}

	/**
	 * Runs agent calls on the domain's client; says which domain, and the channel state,
	 * when none answers.
	 */
	private <T> T run(Function<GuestAgentClient, T> calls) {
		try {
			return calls.apply(this.channel.client());
		}
		catch (GuestAgentUnresponsiveException ex) {
			throw new GuestAgentUnresponsiveException(
					this.channel.describe() + " (agent channel " + describeState() + "): " + ex.getMessage(), ex);
		}
	}

	private String describeState() {
		return this.channel.state().name().toLowerCase(Locale.ROOT);
	}

	private static Optional<String> text(JsonNode node, String member) {
		JsonNode value = node.get(member);
		return (value != null && value.isString()) ? Optional.of(value.asString()) : Optional.empty();
	}

}
