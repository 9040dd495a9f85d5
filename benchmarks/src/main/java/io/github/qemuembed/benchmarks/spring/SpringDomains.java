package io.github.qemuembed.benchmarks.spring;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

import io.github.qemuembed.benchmarks.BenchmarkContext;

/** Domain XML and process helpers of the Spring scenarios. */
final class SpringDomains {

	private static final Duration GONE_TIMEOUT = Duration.ofSeconds(60);

	private SpringDomains() {
	}

	/** The guest-less machine with the halting firmware (many VMs run at once here). */
	static String guestlessXml(BenchmarkContext context, String name) throws IOException {
		String type = "kvm".equals(context.machine().accel()) ? "kvm" : "qemu";
		return """
				<domain type='%s'>
				  <name>%s</name>
				  <memory unit='MiB'>64</memory>
				  <vcpu>1</vcpu>
				  <os><type arch='x86_64' machine='q35'>hvm</type><loader type='rom'>%s</loader></os>
				</domain>
				""".formatted(type, name, context.haltFirmware());
	}

	/** Waits until a process has exited and been reaped. */
	static void awaitGone(ProcessHandle process) {
		long deadline = System.nanoTime() + GONE_TIMEOUT.toNanos();
		while (process.isAlive() || Path.of("/proc", Long.toString(process.pid())).toFile().exists()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Process " + process.pid() + " still there after " + GONE_TIMEOUT);
			}
			Thread.onSpinWait();
		}
	}

}
