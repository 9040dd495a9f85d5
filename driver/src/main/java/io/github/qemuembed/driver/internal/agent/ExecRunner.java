package io.github.qemuembed.driver.internal.agent;

import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.OptionalInt;

import io.github.qemuembed.driver.agent.GuestExec;
import io.github.qemuembed.driver.agent.GuestExecResult;
import io.github.qemuembed.driver.error.GuestAgentException;
import io.github.qemuembed.driver.error.GuestAgentProtocolException;
import io.github.qemuembed.driver.error.GuestExecTimeoutException;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code guest-exec}: start, poll {@code guest-exec-status} until it exits, kill it
 * when its time is up. The agent has no way to wait for a process, so polling is the
 * protocol; the pause between polls grows from a few milliseconds (short commands answer
 * fast) to a quarter second (long ones do not flood the channel).
 */
final class ExecRunner {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final long FIRST_PAUSE_MILLIS = 5;

	private static final long LONGEST_PAUSE_MILLIS = 250;

	private final GuestAgentClient client;

	private final Duration callTimeout;

	private final String where;

	ExecRunner(GuestAgentClient client, Duration callTimeout, String where) {
		this.client = client;
		this.callTimeout = callTimeout;
		this.where = where;
	}

	GuestExecResult run(GuestExec exec) {
		long pid = start(exec);
		long deadline = System.nanoTime() + exec.timeout().toNanos();
		long pause = FIRST_PAUSE_MILLIS;
		while (true) {
			JsonNode status = status(pid);
			if (status.path("exited").asBoolean(false)) {
				return result(pid, status);
			}
			long remaining = deadline - System.nanoTime();
			if (remaining <= 0) {
				killAndReap(pid);
				throw new GuestExecTimeoutException(
						"'" + exec.path() + "' (pid " + pid + ") in the guest of " + this.where
								+ " ran longer than its timeout of " + exec.timeout().toMillis()
								+ " ms and was killed; give it a longer GuestExec.timeout(...) if it needs the time",
						pid);
			}
			pause(Math.min(pause, Math.max(1, remaining / 1_000_000)));
			pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
		}
	}

	private long start(GuestExec exec) {
		ObjectNode arguments = JSON.createObjectNode().put("path", exec.path());
		ArrayNode args = arguments.putArray("arg");
		exec.arguments().forEach(args::add);
		if (!exec.environment().isEmpty()) {
			ArrayNode env = arguments.putArray("env");
			for (Map.Entry<String, String> variable : exec.environment().entrySet()) {
				env.add(variable.getKey() + "=" + variable.getValue());
			}
		}
		byte[] stdin = exec.stdin();
		if (stdin.length > 0) {
			arguments.put("input-data", Base64.getEncoder().encodeToString(stdin));
		}
		arguments.put("capture-output", exec.captureOutput());
		JsonNode reply = this.client.call("guest-exec", arguments, this.callTimeout);
		JsonNode pid = reply.get("pid");
		if (pid == null || !pid.canConvertToLong()) {
			throw new GuestAgentProtocolException("guest-exec returned no pid");
		}
		return pid.asLong();
	}

	private JsonNode status(long pid) {
		return this.client.call("guest-exec-status", JSON.createObjectNode().put("pid", pid), this.callTimeout);
	}

	/**
	 * SIGKILL through a second guest-exec, then the status calls that let the agent reap
	 * both processes (qemu-ga forgets a process only once its exit was reported).
	 */
	private void killAndReap(long pid) {
		ObjectNode arguments = JSON.createObjectNode().put("path", "/bin/sh");
		arguments.putArray("arg").add("-c").add("kill -KILL " + pid);
		arguments.put("capture-output", false);
		long killer = this.client.call("guest-exec", arguments, this.callTimeout).path("pid").asLong();
		awaitExit(killer);
		awaitExit(pid);
	}

	private void awaitExit(long pid) {
		long deadline = System.nanoTime() + this.callTimeout.toNanos();
		long pause = FIRST_PAUSE_MILLIS;
		while (!status(pid).path("exited").asBoolean(false)) {
			if (System.nanoTime() > deadline) {
				throw new GuestAgentException("guest-exec-status", "GenericError",
						"process " + pid + " in the guest of " + this.where + " did not end within "
								+ this.callTimeout.toMillis() + " ms of being killed");
			}
			pause(pause);
			pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
		}
	}

	private static GuestExecResult result(long pid, JsonNode status) {
		return new GuestExecResult(pid, optionalInt(status, "exitcode"), optionalInt(status, "signal"),
				decode(status, "out-data"), decode(status, "err-data"), status.path("out-truncated").asBoolean(false),
				status.path("err-truncated").asBoolean(false));
	}

	private static OptionalInt optionalInt(JsonNode node, String member) {
		JsonNode value = node.get(member);
		return (value != null && value.canConvertToInt()) ? OptionalInt.of(value.asInt()) : OptionalInt.empty();
	}

	private static byte[] decode(JsonNode node, String member) {
		JsonNode value = node.get(member);
		if (value == null || !value.isString()) {
			return new byte[0];
		}
		try {
			return Base64.getDecoder().decode(value.asString());
		}
		catch (IllegalArgumentException ex) {
			throw new GuestAgentProtocolException("guest-exec-status returned " + member + " that is not base64", ex);
		}
	}

	private static void pause(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			throw OperationInterruptedException.restoring("interrupted while waiting for a command in the guest to end",
					ex);
		}
	}

}
