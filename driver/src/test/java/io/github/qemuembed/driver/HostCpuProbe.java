package io.github.qemuembed.driver;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Finds out, with a raw QEMU and no help from the driver, whether this host runs a KVM
 * vCPU of a given model: some nested-KVM hosts abort {@code -cpu host} at once ("failed
 * to set MSR ... Assertion failed"), others run it. Tests ask this first and then assert
 * the outcome that is right for the answer, so they hold on every host.
 */
public final class HostCpuProbe {

	private HostCpuProbe() {
	}

	/**
	 * Whether QEMU with {@code -accel kvm -cpu MODEL} answers {@code query-status} and
	 * quits cleanly, with what it printed.
	 */
	public static Answer kvmCpu(String model) throws IOException, InterruptedException {
		Process qemu = new ProcessBuilder(List.of("/usr/bin/qemu-system-x86_64", "-accel", "kvm", "-cpu", model,
				"-machine", "q35", "-m", "64", "-nodefaults", "-display", "none", "-S", "-qmp", "stdio"))
			.redirectErrorStream(true)
			.start();
		try (OutputStream in = qemu.getOutputStream()) {
			in.write(("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"query-status\"}\n{\"execute\":\"quit\"}\n")
				.getBytes(StandardCharsets.UTF_8));
		}
		catch (IOException ex) {
			// QEMU died before reading its input: its output says why
		}
		// QEMU either answers at once or aborts at once; the bound only guards against a
		// hung emulator
		if (!qemu.waitFor(60, TimeUnit.SECONDS)) {
			qemu.destroyForcibly().waitFor();
			throw new IllegalStateException("QEMU neither ran nor failed -cpu " + model + " within 60 s");
		}
		String output = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		boolean works = qemu.exitValue() == 0 && output.contains("\"status\": \"prelaunch\"");
		return new Answer(works, output);
	}

	/** The probe's verdict and QEMU's own words. */
	public record Answer(boolean works, String output) {

		/**
		 * The line QEMU printed about the failure, for matching against the driver's
		 * message.
		 */
		public String errorLine() {
			return output().lines()
				.filter((line) -> line.startsWith("qemu-system-x86_64:"))
				.findFirst()
				.orElseThrow(() -> new AssertionError("QEMU failed without saying why:\n" + output()));
		}

	}

}
