package io.github.qemuembed.driver.agent;

import java.nio.charset.StandardCharsets;
import java.util.OptionalInt;

/**
 * How a command run with {@link GuestAgent#exec} ended.
 *
 * @param pid the guest's process id of the command
 * @param exitCode the exit code, when the command exited normally
 * @param signal the signal that ended it, when it was killed
 * @param stdout what it wrote to standard output (empty unless output was captured)
 * @param stderr what it wrote to standard error (empty unless output was captured)
 * @param stdoutTruncated whether the agent cut standard output short (qemu-ga keeps at
 * most 16 MiB)
 * @param stderrTruncated the same for standard error
 */
public record GuestExecResult(long pid, OptionalInt exitCode, OptionalInt signal, byte[] stdout, byte[] stderr,
		boolean stdoutTruncated, boolean stderrTruncated) {

	public GuestExecResult {
		stdout = stdout.clone();
		stderr = stderr.clone();
	}

	/** Standard output as UTF-8 text. */
	public String stdoutText() {
		return new String(this.stdout, StandardCharsets.UTF_8);
	}

	/** Standard error as UTF-8 text. */
	public String stderrText() {
		return new String(this.stderr, StandardCharsets.UTF_8);
	}

	/** Whether the command exited normally with code 0. */
	public boolean succeeded() {
		return this.exitCode.isPresent() && this.exitCode.getAsInt() == 0;
	}

	@Override
	public byte[] stdout() {
		return this.stdout.clone();
	}

	@Override
	public byte[] stderr() {
		return this.stderr.clone();
	}

	@Override
	public String toString() {
		return "GuestExecResult[pid=" + this.pid + ", exitCode=" + this.exitCode + ", signal=" + this.signal
				+ ", stdout=" + this.stdout.length + " bytes, stderr=" + this.stderr.length + " bytes]";
	}

}
