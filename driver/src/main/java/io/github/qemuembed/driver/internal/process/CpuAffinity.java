package io.github.qemuembed.driver.internal.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import io.github.qemuembed.driver.error.EmulatorException;
import io.github.qemuembed.driver.error.OperationInterruptedException;
import io.github.qemuembed.driver.error.UnsupportedConfigurationException;

/**
 * Pins a process with all its threads to host CPUs, with util-linux's {@code taskset -a}
 * (always installed). For {@code <vcpu cpuset>}: applied while QEMU is still paused
 * ({@code -S}), when its vCPU threads exist and before they run; threads QEMU creates
 * later inherit the mask.
 */
public final class CpuAffinity {

	private CpuAffinity() {
	}

	public static void apply(long pid, String cpus) {
		Process taskset;
		try {
			taskset = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, String.valueOf(pid))
				.redirectErrorStream(true)
				.start();
			String output = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			if (!taskset.waitFor(10, TimeUnit.SECONDS)) {
				taskset.destroyForcibly();
				throw new EmulatorException("taskset did not finish pinning QEMU (pid " + pid + ")");
			}
			if (taskset.exitValue() != 0) {
				throw new UnsupportedConfigurationException("/domain/vcpu/@cpuset",
						"cannot pin QEMU to host CPUs " + cpus + " (this host has CPUs 0-"
								+ (Runtime.getRuntime().availableProcessors() - 1) + " for this process): "
								+ output.lines().reduce((first, second) -> second).orElse(output));
			}
		}
		catch (IOException ex) {
			throw new EmulatorException("Cannot run taskset to pin QEMU: " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			throw OperationInterruptedException.restoring("Interrupted while pinning QEMU (pid " + pid + ")", ex);
		}
	}

}
