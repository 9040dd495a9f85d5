package io.github.qemuembed.driver.internal.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.github.qemuembed.driver.access.Permission;
import io.github.qemuembed.driver.agent.GuestAgent;
import io.github.qemuembed.driver.agent.GuestAgentState;
import io.github.qemuembed.driver.error.GuestAgentException;
import io.github.qemuembed.driver.error.GuestAgentUnresponsiveException;
import io.github.qemuembed.driver.error.InvalidOperationException;
import io.github.qemuembed.driver.internal.agent.AgentChannel;
import io.github.qemuembed.driver.internal.agent.GuestAgentClient;
import io.github.qemuembed.driver.internal.command.QemuCommandBuilder;
import io.github.qemuembed.driver.internal.xml.Channel;
import io.github.qemuembed.driver.internal.xml.DomainDefinition;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The guest agent channel of one domain: finds the {@code org.qemu.guest_agent.0} channel
 * in the running definition, keeps one {@link GuestAgentClient} per run (QEMU serves one
 * client per channel socket; the connection ends with QEMU), and reports the channel's
 * state from the run's {@link VirtioPorts}.
 */
final class DomainAgentChannel implements AgentChannel {

	static final String AGENT_CHANNEL = "org.qemu.guest_agent.0";

	/**
	 * QEMU listens on the channel socket before the monitor answers: connecting is
	 * immediate or fails.
	 */
	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

	private static final JsonMapper JSON = JsonMapper.shared();

	private final DriverContext context;

	private final ManagedDomain domain;

	DomainAgentChannel(DriverContext context, ManagedDomain domain) {
		this.context = context;
		this.domain = domain;
	}

	/**
	 * The device id of the agent channel ({@code channelN}) in {@code definition}, if it
	 * has one.
	 */
	static Optional<Integer> agentChannelIndex(DomainDefinition definition) {
		List<Channel> channels = definition.devices().channels();
		for (int i = 0; i < channels.size(); i++) {
			if (AGENT_CHANNEL.equals(channels.get(i).targetName())) {
				return Optional.of(i);
			}
		}
		return Optional.empty();
	}

	/** The channel state of a run, or of a definition when {@code run} is null. */
	static GuestAgentState stateOf(DomainDefinition definition, QemuRun run) {
		Optional<Integer> index = agentChannelIndex(definition);
		if (index.isEmpty()) {
			return GuestAgentState.NONE;
		}
		return (run != null && run.ports.isOpen("channel" + index.get())) ? GuestAgentState.CONNECTED
				: GuestAgentState.DISCONNECTED;
	}

	/** Closes the run's agent connection, if it has one (QEMU keeps running). */
	static void disconnect(QemuRun run) {
		GuestAgentClient client = run.agent;
		if (client != null) {
			client.close();
		}
	}

	@Override
	public void check(Permission permission) {
		this.context.access().check(permission, this.domain.identity());
	}

	@Override
	public GuestAgentClient client() {
		QemuRun run = this.domain.runningRun("use the guest agent of");
		int index = requireChannel(run);
		synchronized (run) {
			GuestAgentClient client = run.agent;
			if (client == null || !client.isOpen()) {
				Path socket = QemuCommandBuilder.channelSocket(run.liveDefinition.devices().channels().get(index),
						index, run.privateDir);
				client = GuestAgentClient.connect(socket, CONNECT_TIMEOUT);
				run.agent = client;
			}
			return client;
		}
	}

	@Override
	public GuestAgentState state() {
		QemuRun run = this.domain.currentRun();
		DomainDefinition definition = (run != null) ? run.liveDefinition : this.domain.persistentDefinition();
		return stateOf(definition, run);
	}

	@Override
	public boolean awaitConnected(Duration timeout) {
		QemuRun run = this.domain.runningRun("wait for the guest agent of");
		int index = requireChannel(run);
		String port = "channel" + index;
		if (run.child == null && !run.ports.isKnown(port)) {
			// adopted from an earlier driver: the guest may have opened the port long
			// ago, before this driver
			// listened; only talking to the agent can tell
			return true;
		}
		boolean open = run.ports.awaitOpen(port, timeout.toNanos());
		if (!open && run.stopped.isDone()) {
			throw new InvalidOperationException(
					"Domain '" + this.domain.name() + "' stopped while waiting for its guest agent");
		}
		return open;
	}

	@Override
	public String describe() {
		return "domain '" + this.domain.name() + "'";
	}

	/**
	 * Sends {@code guest-shutdown} (power down) after a resynchronisation; the agent does
	 * not answer when it complies. The future fails if it answers with an error instead.
	 */
	CompletableFuture<JsonNode> requestPowerDown(GuestAgent agent) {
		CompletableFuture<JsonNode> answer;
		try {
			answer = client().send("guest-shutdown", JSON.createObjectNode().put("mode", "powerdown"), agent.timeout());
		}
		catch (GuestAgentUnresponsiveException ex) {
			throw new GuestAgentUnresponsiveException("cannot shut down " + describe() + " through its guest agent "
					+ "(agent channel " + state().name().toLowerCase(Locale.ROOT) + "): " + ex.getMessage(), ex);
		}
		// only an error reply matters: the agent does not answer when it complies, and
		// the connection ends with
		// QEMU when the guest powers off
		CompletableFuture<JsonNode> refusal = new CompletableFuture<>();
		answer.whenComplete((reply, failure) -> {
			Throwable cause = (failure instanceof CompletionException && failure.getCause() != null)
					? failure.getCause() : failure;
			if (cause instanceof GuestAgentException refused && !(cause instanceof GuestAgentUnresponsiveException)) {
				refusal.completeExceptionally(refused);
			}
		});
		return refusal;
	}

	private int requireChannel(QemuRun run) {
		return agentChannelIndex(run.liveDefinition)
			.orElseThrow(() -> new InvalidOperationException("Domain '" + this.domain.name()
					+ "' has no guest agent channel: add <channel type='unix'><target " + "type='virtio' name='"
					+ AGENT_CHANNEL + "'/></channel> to its <devices> (and run " + "qemu-guest-agent in the guest)"));
	}

}
