package io.github.qemuembed.driver.agent;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A command to run in the guest with {@link GuestAgent#exec}: no shell is involved (use
 * {@code /bin/sh -c} for one), the agent starts {@code path} with the arguments and
 * environment given here. <pre>{@code
 * GuestExecResult result = domain.guest().exec(GuestExec.of("/bin/sh", "-c", "echo $GREETING; cat")
 *     .env("GREETING", "hello")
 *     .stdin("from the host")
 *     .timeout(Duration.ofSeconds(30)));
 * }</pre>
 *
 * @param path the program; without a slash, the agent looks it up in its own {@code PATH}
 * @param arguments its arguments (not including {@code argv[0]})
 * @param environment variables to set; when not empty, qemu-ga replaces its whole
 * environment with these
 * @param stdin bytes written to standard input, which is then closed; empty for none
 * @param captureOutput whether standard output and error are captured (otherwise they are
 * discarded)
 * @param timeout how long the command may run; then it is killed and exec throws
 * {@link io.github.qemuembed.driver.error.GuestExecTimeoutException}
 */
public record GuestExec(String path, List<String> arguments, Map<String, String> environment, byte[] stdin,
		boolean captureOutput, Duration timeout) {

	/** The timeout of a command that sets none. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);

	public GuestExec {
		Objects.requireNonNull(path, "path");
		if (path.isBlank()) {
			throw new IllegalArgumentException("guest-exec needs a program path");
		}
		arguments = List.copyOf(arguments);
		environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
		for (String name : environment.keySet()) {
			if (name.isEmpty() || name.indexOf('=') >= 0) {
				throw new IllegalArgumentException("not an environment variable name: '" + name + "'");
			}
		}
		stdin = stdin.clone();
		Objects.requireNonNull(timeout, "timeout");
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("the timeout of a guest command must be positive, not " + timeout);
		}
	}

	/**
	 * {@code path} with these arguments, output captured, no input, the default timeout.
	 */
	public static GuestExec of(String path, String... arguments) {
		return new GuestExec(path, List.of(arguments), Map.of(), new byte[0], true, DEFAULT_TIMEOUT);
	}

	/** With this environment variable added. */
	public GuestExec env(String name, String value) {
		Map<String, String> env = new LinkedHashMap<>(this.environment);
		env.put(name, Objects.requireNonNull(value, "value"));
		return new GuestExec(this.path, this.arguments, env, this.stdin, this.captureOutput, this.timeout);
	}

	/** With these bytes as standard input. */
	public GuestExec stdin(byte[] input) {
		return new GuestExec(this.path, this.arguments, this.environment, input, this.captureOutput, this.timeout);
	}

	/** With this UTF-8 text as standard input. */
	public GuestExec stdin(String input) {
		return stdin(input.getBytes(StandardCharsets.UTF_8));
	}

	/** With more arguments appended. */
	public GuestExec args(String... more) {
		List<String> all = new ArrayList<>(this.arguments);
		all.addAll(Arrays.asList(more));
		return new GuestExec(this.path, all, this.environment, this.stdin, this.captureOutput, this.timeout);
	}

	/** With output captured or discarded. */
	public GuestExec captureOutput(boolean capture) {
		return new GuestExec(this.path, this.arguments, this.environment, this.stdin, capture, this.timeout);
	}

	/** With this timeout. */
	public GuestExec timeout(Duration timeout) {
		return new GuestExec(this.path, this.arguments, this.environment, this.stdin, this.captureOutput, timeout);
	}

	@Override
	public byte[] stdin() {
		return this.stdin.clone();
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof GuestExec that && this.path.equals(that.path) && this.arguments.equals(that.arguments)
				&& this.environment.equals(that.environment) && Arrays.equals(this.stdin, that.stdin)
				&& this.captureOutput == that.captureOutput && this.timeout.equals(that.timeout);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.path, this.arguments, this.environment, Arrays.hashCode(this.stdin),
				this.captureOutput, this.timeout);
	}

	/** Without arguments, environment values and input, which may be secret. */
	@Override
	public String toString() {
		return "GuestExec[" + this.path + ", " + this.arguments.size() + " argument(s), env "
				+ this.environment.keySet() + ", " + this.stdin.length + " bytes of input, timeout " + this.timeout
				+ "]";
	}

}
